import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KV, KvEntry, KvWatchEntry } from '@nats-io/kv';
import type { Logger } from 'pino';

export interface KvWatchOptions {
  /** Names this process's sync marker (`sync.<owner>`), so markers never pile up. */
  owner: string;
  logger: Logger;
  /** Called for every stored entry, then for every change; throwing skips the entry. */
  onEntry(entry: KvEntry): void;
  /** How long one watch may take to deliver what is stored (ms). Default 5000. */
  syncTimeoutMs?: number;
  /** Watches tried before giving up. Default 3. */
  attempts?: number;
}

/** The watch never delivered what the bucket holds: this process cannot serve from it. */
export class KvWatchSyncError extends Error {
  readonly code = 'kv-watch-sync';
  constructor(bucket: string, attempts: number) {
    super(`the watch of KV bucket ${bucket} did not catch up in ${attempts} attempts`);
    this.name = 'KvWatchSyncError';
  }
}

type Watch = AsyncIterable<KvWatchEntry> & { stop(): void };

/** For messages only: @nats-io/kv's KV type does not declare the bucket name its objects carry. */
function bucketOf(kv: KV): string {
  return 'bucket' in kv ? String(kv.bucket) : 'a KV bucket';
}

/**
 * Mirrors a KV bucket through ONE watch (never one per key or user) and resolves once
 * everything stored before has been delivered. KV watches give no "initial values done"
 * signal, so a marker is written after the watch starts and awaited; keys starting with
 * `sync.` are the markers and never reach `onEntry` (subject-token keys have no dots).
 * The wait is bounded: a watch whose consumer was lost before the marker came (a JetStream
 * hiccup while a fresh server elects its leaders) would otherwise hold a start forever and
 * say nothing; it is replaced by a new one, and after the last attempt the start fails.
 */
export async function watchKv(kv: KV, options: KvWatchOptions): Promise<{ stop(): void }> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const watch = (await kv.watch()) as Watch;
    if (await synced(kv, watch, options)) return watch;
    watch.stop();
    if (attempt >= attempts) throw new KvWatchSyncError(bucketOf(kv), attempts);
    options.logger.warn({ bucket: bucketOf(kv), attempt }, 'KV watch did not catch up in time; watching again');
  }
}

async function synced(kv: KV, watch: Watch, { owner, logger, onEntry, syncTimeoutMs = 5_000 }: KvWatchOptions): Promise<boolean> {
  const marker = `sync.${owner}`;
  const nonce = randomBytes(8).toString('hex');
  let markReady: () => void = () => {};
  const ready = new Promise<boolean>((resolve) => (markReady = () => resolve(true)));
  void (async () => {
    for await (const entry of watch) {
      if (entry.key.startsWith('sync.')) {
        if (entry.key === marker && entry.operation === 'PUT' && entry.string() === nonce) markReady();
        continue;
      }
      try {
        onEntry(entry);
      } catch (error) {
        logger.warn({ err: error, key: entry.key }, 'skipping unreadable KV entry');
      }
    }
  })();
  await kv.put(marker, nonce);
  const stopWaiting = new AbortController();
  const caughtUp = await Promise.race([ready, sleep(syncTimeoutMs, false, { signal: stopWaiting.signal }).catch(() => false)]);
  stopWaiting.abort();
  if (caughtUp) await kv.purge(marker);
  return caughtUp;
}
