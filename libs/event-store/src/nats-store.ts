import { appendEvent, managerOf, openKv, readAggregate, type NatsConnection } from '@gatehouse/bus';
import type { GatehouseEvent } from '@gatehouse/events';
import { pino } from 'pino';
import { plainStateJson, type AggregateDefinition, type EventStore } from './definition.ts';
import type { EventLog } from './log.ts';
import { KvSnapshots } from './snapshots.ts';
import { createEventStore, type EventStoreHooks, type EventStoreOptions } from './store.ts';

export interface NatsEventStoreOptions extends EventStoreOptions {
  /** The JetStream stream holding the aggregates, e.g. `namesFor(ns).streams.tokens`; it must allow direct get (ensureStreams does). */
  stream: string;
  /** Snapshots of long aggregates, in a KV bucket of their own per aggregate kind; default none. */
  snapshots?: {
    /** Bucket name, e.g. `<ns>_grant_snapshots`; created when missing. */
    bucket: string;
    /** Events after which a snapshot is written, e.g. 100. */
    every: number;
  };
}

/** Aggregates of one kind on JetStream (see EventStore); opens the snapshot bucket when there is one. */
export async function createNatsEventStore<Key, Command, State, E extends GatehouseEvent>(
  nc: NatsConnection,
  definition: AggregateDefinition<Key, Command, State, E>,
  options: NatsEventStoreOptions & EventStoreHooks<Key, State>,
): Promise<EventStore<Key, Command, State, E>> {
  const { stream, snapshots } = options;
  if (snapshots && !(Number.isInteger(snapshots.every) && snapshots.every > 0)) throw new RangeError(`snapshots.every must be a positive integer, not ${snapshots.every}`);
  const logger = options.logger ?? pino({ enabled: false });
  const store =
    snapshots && new KvSnapshots(await openKv(nc, snapshots.bucket, { history: 1 }), definition.stateJson ?? plainStateJson<State>(), logger, definition.name);
  return createEventStore(natsEventLog(nc, stream), definition, { ...options, logger, snapshots: store && { store, every: snapshots.every } });
}

/**
 * One stream as an EventLog. The last message of a subject comes from JetStream's direct
 * get (`$JS.API.DIRECT.GET.<stream>.<subject>`, last_by_subj): one request, no consumer.
 * On a replicated stream any replica may answer it, a lagging one with an older message:
 * then the append conflicts, or the loader sees the cache ahead of the stream and reads
 * the aggregate again; either way what is decided on is the stream's history.
 */
function natsEventLog(nc: NatsConnection, stream: string): EventLog {
  return {
    async last(subject) {
      const message = await (await managerOf(nc)).direct.getMessage(stream, { last_by_subj: subject });
      if (!message) return { sequence: 0 };
      const eventId = message.header.get('Nats-Msg-Id');
      return eventId ? { sequence: message.seq, eventId } : { sequence: message.seq };
    },
    read: (subject, startSequence) => readAggregate(nc, stream, subject, { startSequence }),
    append: (event, expectedLastSubjectSequence) => appendEvent(nc, event, { expectedLastSubjectSequence }),
  };
}
