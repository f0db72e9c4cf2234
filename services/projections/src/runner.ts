import type { Names } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { applyMessage, type ApplyOutcome } from './apply.ts';
import { readCheckpoint, sameStream, sequenceIn, type StreamIdentity } from './checkpoint.ts';
import { deleteDurableConsumer as deleteConsumer, ensureOrderedConsumer as ensureConsumer } from '@gatehouse/bus';
import type { Database } from './database.ts';
import type { Projection } from './projection.ts';
import { resetProjection } from './reset.ts';

export interface RunnerDeps {
  nc: NatsConnection;
  db: Kysely<Database>;
  names: Names;
  projection: Projection;
  logger: Logger;
  /** Delay before a failed message is redelivered, and between consumer restarts. Default 1 s. */
  retryDelayMs?: number;
}

export type AppliedListener = (seq: number, outcome: ApplyOutcome) => void;

export interface ProjectionRunner {
  readonly projection: Projection;
  /** The JetStream stream name the projection reads. */
  readonly stream: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the stored checkpoint covers `seq`; false after `timeoutMs`. */
  waitFor(seq: number, timeoutMs: number): Promise<boolean>;
  /** Called after each committed message, in order. Returns the unsubscribe function. */
  onApplied(listener: AppliedListener): () => void;
}

const POLL_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Feeds one projection from its durable consumer, one transaction per message, acking after commit. */
export function createProjectionRunner({ nc, db, names, projection, logger, retryDelayMs = 1_000 }: RunnerDeps): ProjectionRunner {
  const stream = names.streams[projection.stream];
  const log = logger.child({ projection: projection.name, stream });
  const listeners = new Set<AppliedListener>();
  let identity: StreamIdentity | undefined;
  let messages: ConsumerMessages | undefined;
  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  /**
   * Rows built from another stream (this one was deleted and recreated, or the database
   * served another namespace) would hide events whose sequences the old checkpoint covers:
   * start over from this stream.
   */
  async function reconcile(jsm: JetStreamManager): Promise<StreamIdentity> {
    const current = { name: stream, created: (await jsm.streams.info(stream)).created };
    const stored = await readCheckpoint(db, projection.name);
    if (stored && !sameStream(stored.stream, current)) {
      log.warn({ checkpoint: stored.stream, current }, 'checkpoint counts in another stream; rebuilding from this one');
      await deleteConsumer(jsm, stream, projection.name);
      await resetProjection(db, projection);
    }
    return current;
  }

  async function handle(message: JsMsg, source: StreamIdentity): Promise<void> {
    let outcome: ApplyOutcome;
    try {
      outcome = await applyMessage(db, projection, { stream: source, seq: message.seq, data: message.data }, log);
    } catch (error) {
      log.error({ err: error, seq: message.seq }, 'applying an event failed; it will be redelivered');
      message.nak(retryDelayMs);
      return;
    }
    message.ack();
    for (const listener of listeners) listener(message.seq, outcome);
  }

  async function run(jsm: JetStreamManager): Promise<void> {
    const js = jetstream(nc);
    while (!stopping && !nc.isClosed()) {
      try {
        const source = (identity = await reconcile(jsm));
        await ensureConsumer(jsm, stream, projection.name);
        const consumer = await js.consumers.get(stream, projection.name);
        // Abort rather than wait when the consumer or stream disappears: the next turn of
        // this loop reconciles and recreates them.
        messages = await consumer.consume({ abort_on_missing_resource: true });
        if (stopping) messages.stop();
        for await (const message of messages) await handle(message, source);
      } catch (error) {
        if (stopping) break;
        log.warn({ err: error }, 'projection consumer stopped; restarting');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, retryDelayMs);
        });
      }
    }
  }

  return {
    projection,
    stream,
    async start() {
      if (loop) return;
      stopping = false;
      loop = run(await jetstreamManager(nc));
    },
    async stop() {
      stopping = true;
      messages?.stop();
      wake?.();
      await loop;
      loop = undefined;
      messages = undefined;
    },
    async waitFor(seq, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      // The database, not memory: another replica may hold the consumer and apply the events.
      while (!identity || (await sequenceIn(db, projection.name, identity)) < seq) {
        if (Date.now() >= deadline) return false;
        await sleep(POLL_MS);
      }
      return true;
    },
    onApplied(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
