import { setTimeout as sleep } from 'node:timers/promises';
import { decodeEvent, MalformedEventError, type GatehouseEvent } from '@gatehouse/events';
import type { Logger } from 'pino';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { managerOf } from './manager.ts';

export interface DurableIntakeOptions {
  nc: NatsConnection;
  stream: string;
  /** Durable consumer name: a restart (or another replica) resumes where the last ack left off. */
  name: string;
  logger: Logger;
  /** `seq`: the event's stream sequence, for handlers that also fold the stream at start and must not apply an event twice. */
  handle(event: GatehouseEvent, seq: number): Promise<void>;
  /** Delay before a failed event is handled again, and between consumer restarts. Default 1 s. */
  retryDelayMs?: number;
  /**
   * Where a consumer made now begins: `all` (default) the stream's first event; `new` the
   * events after it, for a consumer added to a running deployment that must not act on history.
   */
  deliverFrom?: 'all' | 'new';
}

export interface DurableIntake {
  readonly stream: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once every event up to stream sequence `seq` is handled (by any replica); false after `timeoutMs`. */
  waitFor(seq: number, timeoutMs: number): Promise<boolean>;
}

/** Events handled before one cumulative ack: an ack per event was a socket write per event. */
const ACK_EVERY = 64;
/**
 * Longest an event handled stays unacked when fewer than ACK_EVERY follow it. Acking at the
 * end of every burst still acked each event of a trickle (a login's events, one by one).
 */
const ACK_DELAY_MS = 50;
/** Unacked events the server hands out: room for ACK_EVERY and the next pull. */
const MAX_ACK_PENDING = 1_024;
const ACK_WAIT_MS = 30_000;
const POLL_MS = 20;

/**
 * Feeds a stream to `handle` through a durable pull consumer: at least once, in stream
 * order. A handler that throws gets the same event again after `retryDelayMs`, from memory,
 * so nothing overtakes it (a session's bind must not overtake its login); a malformed event,
 * or one the handler finds malformed, is logged and skipped, since it would fail on every
 * retry and wedge the stream. Acks are cumulative (AckPolicy.All): one per ACK_EVERY events,
 * or ACK_DELAY_MS after the first unacked one, so after a crash at most that tail comes again.
 */
export function durableIntake({ nc, stream, name, logger, handle, retryDelayMs = 1_000, deliverFrom = 'all' }: DurableIntakeOptions): DurableIntake {
  const log = logger.child({ intake: name, stream });
  const stopping = new AbortController();
  let messages: ConsumerMessages | undefined;
  let loop: Promise<void> | undefined;

  const pause = () => sleep(retryDelayMs, undefined, { signal: stopping.signal }).catch(() => {});
  /** The last event handled and not yet acked: acking it acks every one before it. */
  let handled: JsMsg | undefined;
  let unacked = 0;
  let ackTimer: NodeJS.Timeout | undefined;
  /** Stream sequence of the last event this replica handled, acked or not. */
  let handledSeq = 0;
  const ack = () => {
    clearTimeout(ackTimer);
    ackTimer = undefined;
    const last = handled;
    handled = undefined;
    unacked = 0;
    try {
      last?.ack();
    } catch (error) {
      // The connection closed first (a delayed ack can outlive it): the tail comes again.
      log.debug({ err: error }, 'could not ack');
    }
  };

  async function deliver(message: JsMsg): Promise<void> {
    let event: GatehouseEvent;
    try {
      event = decodeEvent(message.data);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      log.warn({ err: error, seq: message.seq }, 'skipping a malformed event');
      return;
    }
    while (!stopping.signal.aborted) {
      try {
        await handle(event, message.seq);
        return;
      } catch (error) {
        if (error instanceof MalformedEventError) {
          log.error({ err: error, seq: message.seq, type: event.type }, 'the event makes no valid fact; skipped');
          return;
        }
        log.error({ err: error, seq: message.seq, type: event.type }, 'handling an event failed; trying again');
        // While it is retried, neither it nor what was handled before it may be handed out again.
        ack();
        message.working();
        await pause();
      }
    }
  }

  async function run(): Promise<void> {
    const js = jetstream(nc);
    // start() made the consumer; after a failure it may be gone (a stream recreated, say).
    for (let failed = false; !stopping.signal.aborted && !nc.isClosed(); failed = true) {
      try {
        if (failed) await ensureConsumer(await managerOf(nc), stream, name, deliverFrom);
        const consumer = await js.consumers.get(stream, name);
        messages = await consumer.consume({ abort_on_missing_resource: true, max_messages: ACK_EVERY * 2 });
        if (stopping.signal.aborted) messages.stop();
        for await (const message of messages) {
          await deliver(message);
          if (stopping.signal.aborted) break;
          handled = message;
          handledSeq = message.seq;
          unacked += 1;
          if (unacked >= ACK_EVERY) ack();
          else ackTimer ??= setTimeout(ack, ACK_DELAY_MS).unref();
        }
      } catch (error) {
        if (stopping.signal.aborted) break;
        log.warn({ err: error }, 'intake consumer stopped; restarting');
        await pause();
      }
    }
  }

  return {
    stream,
    async start() {
      if (loop) return;
      await ensureConsumer(await managerOf(nc), stream, name, deliverFrom);
      loop = run();
    },
    async stop() {
      stopping.abort();
      messages?.stop();
      await loop;
      ack();
    },
    async waitFor(seq, timeoutMs) {
      const jsm = await managerOf(nc);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (handledSeq >= seq) return true;
        const info = await jsm.consumers.info(stream, name);
        if (info.ack_floor.stream_seq >= seq || (info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq >= seq)) return true;
        if (Date.now() >= deadline) return false;
        await sleep(POLL_MS);
      }
    },
  };
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, name: string, deliverFrom: 'all' | 'new'): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: name,
    ack_policy: AckPolicy.All,
    deliver_policy: deliverFrom === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    max_ack_pending: MAX_ACK_PENDING,
    max_deliver: -1,
    ack_wait: nanos(ACK_WAIT_MS),
  };
  const existing = await jsm.consumers.info(stream, name).catch(() => undefined);
  if (existing?.config.ack_policy === AckPolicy.All) return;
  if (existing) {
    // An ack policy cannot be changed in place: recreate it where the old one's acks reached.
    await jsm.consumers.delete(stream, name);
    Object.assign(config, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: existing.ack_floor.stream_seq + 1 });
  }
  await jsm.consumers.add(stream, config).catch(async (error: unknown) => {
    // Another replica created it first.
    if (!(await jsm.consumers.info(stream, name).catch(() => undefined))) throw error;
  });
}
