import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { WrongExpectedSequenceError } from '@gatehouse/bus';
import { createEvent, type GatehouseEvent } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { ByteLru } from './cache.ts';
import { asFact, isRefusal, plainStateJson, type AggregateDefinition, type EventStore, type Fact, type Known, type Stored } from './definition.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { Loader, type Entry } from './loader.ts';
import type { EventLog } from './log.ts';
import type { KvSnapshots } from './snapshots.ts';

export interface EventStoreOptions {
  /** CloudEvents `source` of the events this store appends, e.g. `gatehouse/token`. */
  source: string;
  /** Default: the system clock. */
  clock?: () => Date;
  /** Decide-and-append attempts before a conflict is thrown; default 5. */
  maxAttempts?: number;
  /** After failed attempt n, a random pause of up to n × this many ms, so racing replicas fall out of step; default 10. */
  retryJitterMs?: number;
  /** Bytes of state the cache of loaded aggregates may hold (see `sizeOf`); default 32 MiB; 0: no cache. */
  cacheBytes?: number;
  /** Told of skipped malformed events and ignored snapshots; default silent. */
  logger?: Logger;
}

export interface EventStoreHooks<Key, State> {
  /**
   * Awaited after each load of an aggregate from the stream (never for an answer from the
   * cache), e.g. to bring up to date a projection that the aggregate's last append may have
   * missed when its replica died before writing it. A throw fails the command or read.
   */
  onLoad?: (key: Key, loaded: Known<State>) => Promise<void>;
}

export interface SnapshotPolicy<State> {
  store: KvSnapshots<State>;
  /** Events folded after which a snapshot is written. */
  every: number;
}

const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

/** The store over any EventLog: JetStream (nats-store.ts) or memory (memory-store.ts). */
export function createEventStore<Key, Command, State, E extends GatehouseEvent>(
  log: EventLog,
  definition: AggregateDefinition<Key, Command, State, E>,
  options: EventStoreOptions & EventStoreHooks<Key, State> & { snapshots?: SnapshotPolicy<State> | undefined },
): EventStore<Key, Command, State, E> {
  const { source, clock = () => new Date(), maxAttempts = 5, retryJitterMs = 10, cacheBytes = DEFAULT_CACHE_BYTES, snapshots, onLoad } = options;
  const stateJson = definition.stateJson ?? plainStateJson<State>();
  const logger = options.logger ?? pino({ enabled: false });
  const cache = new ByteLru<Entry<State>>(cacheBytes);
  const loader = new Loader(log, definition, snapshots?.store, logger);
  const queue = new KeyedQueue();

  /**
   * The estimate of an entry's bytes: the length of its state's JSON (what a snapshot of it
   * stores), computed once per change. The objects themselves take more memory than that:
   * give the cache a bound below the memory it may really use.
   */
  const sizeOf = (state: State) => JSON.stringify(stateJson.toJSON(state))?.length ?? 0;

  /** Keeps the entry (read-your-writes), first writing its snapshot when it is due. */
  const remember = async (subject: string, entry: Entry<State>): Promise<Entry<State>> => {
    let kept = entry;
    if (snapshots && entry.sinceSnapshot >= snapshots.every && entry.eventId !== undefined) {
      await snapshots.store.put(subject, { sequence: entry.sequence, eventId: entry.eventId, state: entry.state });
      kept = { ...entry, sinceSnapshot: 0 };
    }
    cache.set(subject, kept, sizeOf(kept.state));
    return kept;
  };
  const load = async (key: Key, subject: string) => {
    const entry = await remember(subject, await loader.load(subject, cache.get(subject)));
    await onLoad?.(key, known(entry));
    return entry;
  };

  const execute = async (key: Key, subject: string, command: Command, eventId: ((fact: Fact<E>) => string) | undefined) => {
    const cached = cache.get(subject);
    let entry = cached ?? (await load(key, subject));
    // Fresh: loaded during this command, so an answer that appends nothing needs no confirming.
    let fresh = cached === undefined;
    const stored: Stored<E>[] = [];
    for (let attempt = 1; ; ) {
      let facts: Fact<E>[];
      try {
        facts = definition.decide(command, entry.state, clock());
      } catch (error) {
        if (fresh || !isRefusal(error) || !(definition.confirmRefusal?.(error, command) ?? true)) throw error;
        entry = await load(key, subject);
        fresh = true;
        continue;
      }
      if (facts.length === 0 && !fresh && definition.confirmNoop?.(command, entry.state)) {
        entry = await load(key, subject);
        fresh = true;
        continue;
      }
      const before = entry.state;
      try {
        for (const fact of facts) {
          const event = toEvent(fact, { subject, source, id: eventId?.(fact) });
          const { seq, duplicate } = await log.append(event, entry.sequence);
          if (duplicate) {
            // Stored before (a redelivered command with a deterministic id) where the state decided on
            // did not have it: as stale as a conflict, and handled the same way.
            if (!fresh) throw new WrongExpectedSequenceError(subject, entry.sequence);
            // Decided again on the stream's own state: the aggregate has moved past that event (a
            // command redelivered long after, e.g. its source read again from the start). It is in
            // the stream already; storing it again is what the id exists to prevent.
            logger.debug({ aggregate: definition.name, subject, eventId: event.id }, 'stored before: not appended again');
            continue;
          }
          stored.push({ event, sequence: seq });
          entry = await remember(subject, { state: definition.evolve(entry.state, asFact(event)), sequence: seq, eventId: event.id, sinceSnapshot: entry.sinceSnapshot + 1 });
        }
        return { events: stored, before, state: entry.state, sequence: entry.sequence };
      } catch (error) {
        if (!(error instanceof WrongExpectedSequenceError) || attempt >= maxAttempts) throw error;
        logger.debug({ aggregate: definition.name, subject, attempt }, 'conflict: aggregate loaded again, command decided again');
        if (retryJitterMs > 0) await sleep(Math.random() * retryJitterMs * attempt);
        attempt += 1;
        entry = await load(key, subject);
        fresh = true;
      }
    }
  };

  return {
    execute(key, command, { eventId } = {}) {
      const subject = definition.subject(key);
      return queue.run(subject, () => execute(key, subject, command, eventId));
    },
    read(key) {
      const subject = definition.subject(key);
      return queue.run(subject, async () => known(cache.get(subject) ?? (await load(key, subject))));
    },
    load(key) {
      const subject = definition.subject(key);
      return queue.run(subject, async () => known(await load(key, subject)));
    },
    observe(subject, sequence) {
      // Dropped rather than advanced: the event alone cannot show that nothing else came
      // between the entry and it, and the next load reads only what a snapshot lacks.
      return queue.run(subject, async () => {
        const cached = cache.peek(subject);
        if (cached && cached.sequence < sequence) cache.delete(subject);
      });
    },
  };
}

const known = <State>({ state, sequence }: Entry<State>) => ({ state, sequence });

/** The envelope of a decided fact. */
function toEvent<E extends GatehouseEvent>(fact: Fact<E>, { subject, source, id }: { subject: string; source: string; id: string | undefined }): E {
  const { type, time, data } = fact as Fact<GatehouseEvent>;
  return createEvent(type, { subject, source, time, data: data as never, ...(id === undefined ? {} : { id }) }) as E;
}
