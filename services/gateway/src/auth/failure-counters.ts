/**
 * Where the login throttle keeps its failure counts. In a KV bucket whose max age is the
 * throttle window, so every gateway replica sees the same counts and the server forgets
 * them; in memory when the bucket cannot be reached, so logins go on regardless.
 */
import type { KV, KvEntry } from '@nats-io/kv';
import { watchKv } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/telemetry';

export interface FailureCounters {
  /** Failures counted under `key` inside the window; 0 when none. */
  get(key: string): Promise<number>;
  /** Counts one more failure and resolves with the new count. */
  increment(key: string): Promise<number>;
  reset(key: string): Promise<void>;
}

/** Two replicas counting the same key at once: retry the compare-and-set this often. */
const CAS_ATTEMPTS = 5;

export function kvFailureCounters(kv: KV): FailureCounters {
  const read = async (key: string) => {
    const entry = await kv.get(key);
    return entry?.operation === 'PUT' ? { count: Number.parseInt(entry.string(), 10) || 0, revision: entry.revision } : undefined;
  };
  return {
    get: async (key) => (await read(key))?.count ?? 0,
    async increment(key) {
      for (let attempt = 1; ; attempt++) {
        const current = await read(key);
        const count = (current?.count ?? 0) + 1;
        try {
          // Each put restarts the entry's age: the window runs from the latest failure.
          if (current) await kv.update(key, String(count), current.revision);
          else await kv.create(key, String(count));
          return count;
        } catch (error) {
          if (attempt >= CAS_ATTEMPTS) throw error;
        }
      }
    },
    async reset(key) {
      await kv.purge(key);
    },
  };
}

/**
 * The shared counters, read from this replica's mirror of the bucket (one watch) instead
 * of a KV get per login: every login asks for its account's count, few logins fail. A
 * failure counted on another replica reaches the mirror within the watch's latency (a few
 * milliseconds on one cluster), and the holds stay equal whatever the outcome. Entries
 * expire here by their own time, as the bucket's max age expires them there (JetStream
 * does not tell a watch of an entry that aged out). Past `maxEntries` the least recently
 * failed keys are dropped from the mirror only; the bucket still counts them.
 */
export async function mirroredFailureCounters(
  kv: KV,
  options: { windowMs: number; owner: string; logger: Logger; maxEntries?: number; clock?: () => number },
): Promise<FailureCounters & { stop(): void }> {
  const counts = recentCounts(options);
  const watch = await watchKv(kv, {
    owner: options.owner,
    logger: options.logger,
    onEntry: (entry: KvEntry) => counts.set(entry.key, entry.operation === 'PUT' ? Number.parseInt(entry.string(), 10) || 0 : 0, entry.created.getTime()),
  });
  const shared = kvFailureCounters(kv);
  return {
    get: async (key) => counts.get(key),
    async increment(key) {
      const count = await shared.increment(key);
      counts.set(key, count);
      return count;
    },
    async reset(key) {
      await shared.reset(key);
      counts.delete(key);
    },
    stop: () => watch.stop(),
  };
}

export function memoryFailureCounters(options: { windowMs: number; maxEntries?: number; clock?: () => number }): FailureCounters {
  const counts = recentCounts(options);
  return {
    get: async (key) => counts.get(key),
    async increment(key) {
      const count = counts.get(key) + 1;
      counts.set(key, count);
      return count;
    },
    async reset(key) {
      counts.delete(key);
    },
  };
}

/**
 * Counts by key, each forgotten `windowMs` after it was last set, at most `maxEntries` of
 * them: the mirror's and the local fallback's bookkeeping.
 */
function recentCounts(options: { windowMs: number; maxEntries?: number; clock?: () => number }) {
  const entries = new Map<string, { count: number; at: number }>();
  const maxEntries = options.maxEntries ?? 50_000;
  const clock = options.clock ?? Date.now;
  return {
    /** The key's count inside the window; 0 when none. */
    get(key: string): number {
      const entry = entries.get(key);
      return entry && clock() - entry.at < options.windowMs ? entry.count : 0;
    },
    /** A count of 0 or less forgets the key. */
    set(key: string, count: number, at = clock()): void {
      // Re-insert so Map order is least-recently-set first, and evict from the front.
      entries.delete(key);
      if (count <= 0) return;
      entries.set(key, { count, at });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    delete(key: string): void {
      entries.delete(key);
    },
  };
}

/**
 * The shared counters while they answer within `timeoutMs`, this replica's own otherwise:
 * a NATS outage must not fail or stall logins. Says so once per change of state.
 */
export function withLocalFallback(shared: FailureCounters, local: FailureCounters, logger: Logger, timeoutMs = 500): FailureCounters {
  let degraded = false;
  const attempt = async <T>(operation: (counters: FailureCounters) => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        operation(shared),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (degraded) logger.info('login throttle: failure counts shared again through KV');
      degraded = false;
      return result;
    } catch (error) {
      if (!degraded) logger.warn({ err: error }, 'login throttle: KV unavailable, counting failures on this replica alone');
      degraded = true;
      return operation(local);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    get: (key) => attempt((counters) => counters.get(key)),
    increment: (key) => attempt((counters) => counters.increment(key)),
    reset: (key) => attempt((counters) => counters.reset(key)),
  };
}
