import { setImmediate } from 'node:timers/promises';
import type { Names } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { managerOf } from '@gatehouse/bus';
import { jetstream, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { applyMessages, type ApplyOutcome } from './apply.ts';
import { ensureCheckpoint, readCheckpoint, sameStream, sequenceIn, type StreamIdentity } from './checkpoint.ts';
import type { Database } from './database.ts';
import type { Projection } from './projection.ts';
import { resetProjection } from './reset.ts';

export interface RunnerDeps {
  nc: NatsConnection;
  db: Kysely<Database>;
  names: Names;
  projection: Projection;
  logger: Logger;
  /** Delay before a failed batch is tried again, and between consumer restarts. Default 1 s. */
  retryDelayMs?: number;
  /** The projections sharing its rows (projectionGroup), itself included. Default: itself alone. */
  group?: readonly Projection[];
  /**
   * Called, instead of resetting, when the checkpoint counts in another stream and other
   * projections share the rows: they run on and must be stopped and replayed with this one
   * (the service rebuilds the group). The runner retries until it is stopped.
   */
  onStreamReplaced?: () => void;
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

/** Most messages one transaction applies: bounds the transaction, and what a backlog holds in memory. */
const MAX_BATCH = 512;
const POLL_MS = 20;

/**
 * Feeds one projection from its stream. The checkpoint lives in PostgreSQL with the rows,
 * so the stream is read with an ordered consumer from the checkpoint on (strict order, no
 * acks, nothing to keep on the server), and a batch that fails is retried from memory until
 * it commits. Every replica of the service reads the whole stream; the locked checkpoint
 * makes the second to reach a batch skip it.
 */
export class StreamReplacedError extends Error {
  readonly code = 'stream-replaced';
  constructor(projection: string) {
    super(`the checkpoint of ${projection} counts in another stream; its group is being rebuilt`);
    this.name = 'StreamReplacedError';
  }
}

export function createProjectionRunner({ nc, db, names, projection, logger, retryDelayMs = 1_000, group = [projection], onStreamReplaced }: RunnerDeps): ProjectionRunner {
  const stream = names.streams[projection.stream];
  const log = logger.child({ projection: projection.name, stream });
  const listeners = new Set<AppliedListener>();
  let identity: StreamIdentity | undefined;
  /** Highest sequence this runner committed in `identity`: read-your-writes without a query. */
  let committed = 0;
  let messages: ConsumerMessages | undefined;
  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  const pause = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, retryDelayMs);
    });

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
      if (group.length > 1 && onStreamReplaced) {
        onStreamReplaced();
        throw new StreamReplacedError(projection.name);
      }
      await resetProjection(db, group);
    }
    await ensureCheckpoint(db, projection.name, current);
    return current;
  }

  async function apply(batch: JsMsg[], source: StreamIdentity): Promise<void> {
    for (;;) {
      try {
        const outcomes = await applyMessages(db, projection, batch.map(({ seq, data }) => ({ stream: source, seq, data })), log);
        committed = Math.max(committed, batch.at(-1)!.seq);
        batch.forEach((message, index) => listeners.forEach((listener) => listener(message.seq, outcomes[index]!)));
        return;
      } catch (error) {
        if (stopping) throw error;
        log.error({ err: error, from: batch[0]!.seq, to: batch.at(-1)!.seq }, 'applying events failed; trying again');
        await pause();
      }
    }
  }

  /**
   * One message, then whatever else has already arrived: a batch costs the next one nothing
   * in latency. What has arrived is what the iterator hands over before the event loop turns
   * (its own pending count also counts the pull bookkeeping it queues, so it cannot tell).
   */
  async function* batches(source: ConsumerMessages): AsyncGenerator<JsMsg[]> {
    const iterator = source[Symbol.asyncIterator]();
    let next = iterator.next();
    for (;;) {
      const first = await next;
      if (first.done) return;
      const batch = [first.value];
      for (;;) {
        next = iterator.next();
        if (batch.length >= MAX_BATCH) break;
        const arrived = await Promise.race([next, setImmediate().then(() => undefined)]);
        if (arrived === undefined) break;
        if (arrived.done) {
          yield batch;
          return;
        }
        batch.push(arrived.value);
      }
      yield batch;
    }
  }

  async function run(jsm: JetStreamManager): Promise<void> {
    const js = jetstream(nc);
    while (!stopping && !nc.isClosed()) {
      try {
        const source = await reconcile(jsm);
        if (!identity || !sameStream(identity, source)) committed = 0;
        identity = source;
        const from = (await sequenceIn(db, projection.name, source)) + 1;
        const consumer = await js.consumers.get(stream, { opt_start_seq: from });
        messages = await consumer.consume({ max_messages: MAX_BATCH });
        if (stopping) messages.stop();
        for await (const batch of batches(messages)) await apply(batch, source);
      } catch (error) {
        if (stopping) break;
        log.warn({ err: error }, 'projection consumer stopped; restarting');
        await pause();
      }
    }
  }

  /** Wakes on this runner's commit of `seq`, or after a poll interval for another replica's. */
  function appliedOrPoll(seq: number): Promise<void> {
    return new Promise((resolve) => {
      const listener: AppliedListener = (applied) => applied >= seq && done();
      const done = () => {
        clearTimeout(timer);
        listeners.delete(listener);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      listeners.add(listener);
    });
  }

  async function committedIn(seq: number): Promise<boolean> {
    if (committed >= seq) return true;
    // Another replica may have applied it first.
    return identity !== undefined && (await sequenceIn(db, projection.name, identity)) >= seq;
  }

  return {
    projection,
    stream,
    async start() {
      if (loop) return;
      stopping = false;
      loop = run(await managerOf(nc));
    },
    async stop() {
      stopping = true;
      messages?.stop();
      wake?.();
      await loop;
      loop = undefined;
      messages = undefined;
      committed = 0;
    },
    async waitFor(seq, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!(await committedIn(seq))) {
        if (Date.now() >= deadline) return false;
        await appliedOrPoll(seq);
      }
      return true;
    },
    onApplied(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
