import { DiscardPolicy, JetStreamApiError, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { streamSubjects } from '@gatehouse/events';

/** JSStreamNameExistErr: a stream of that name exists with another configuration. */
const STREAM_NAME_EXISTS = 10058;

/** Every aggregate stream of the namespace, created or brought up to date. Safe to race. */
export async function ensureStreams(nc: NatsConnection, ns: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const { name, subjects } of streamSubjects(ns)) {
    await ensureStream(jsm, {
      name,
      subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      // Long enough for the outbox to re-send with the same Nats-Msg-Id after a NATS restart.
      duplicate_window: nanos(2 * 60_000),
    });
  }
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    // Identical config: the server answers OK, which makes concurrent starts harmless.
    await jsm.streams.add(config);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_EXISTS)) throw error;
    await jsm.streams.update(config.name, config);
  }
}
