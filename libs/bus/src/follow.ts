import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeliverPolicy,
  jetstream,
  type Consumer,
  type ConsumerMessages,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeEvent, type GatehouseEvent } from '@gatehouse/events';
import { managerOf } from './manager.ts';
import type { Logger } from 'pino';

export interface FollowOptions {
  stream: string;
  /** One subject or wildcard (NATS 2.9: a single filter only). */
  filterSubject?: string;
  /** Where to start: every stored event, only new ones, or the last one of each subject. */
  deliver: 'all' | 'new' | 'last-per-subject';
  logger: Logger;
}

export type EventHandler = (event: GatehouseEvent, seq: number) => void | Promise<void>;

export interface Follower {
  /**
   * Resolves once everything stored when following began has been handled; at once for
   * an empty stream or `deliver: 'new'`. Never settles if stop() comes first.
   */
  caughtUp: Promise<void>;
  /** Ends delivery after the event being handled, if any, and removes the consumer. */
  stop(): Promise<void>;
}

/**
 * Feeds a stream to `handler`, one event at a time, through an ordered consumer (no
 * server-side state to manage). It survives reconnects and server restarts, resuming
 * after the last sequence it delivered. Delivery is at most once per event: a malformed
 * message is logged with its sequence and skipped, and so is an event whose handler
 * throws; a handler that must not lose events keeps its own checkpoint and retries
 * internally.
 */
export function followStream(nc: NatsConnection, options: FollowOptions, handler: EventHandler): Follower {
  const { stream, filterSubject, deliver, logger } = options;
  const stopping = new AbortController();
  let caughtUp!: () => void;
  const caughtUpPromise = new Promise<void>((resolve) => (caughtUp = resolve));
  let isCaughtUp = false;
  let started = false;
  let lastSeq = 0;
  let targetSeq = Number.POSITIVE_INFINITY;
  let consumer: Consumer | undefined;
  let messages: ConsumerMessages | undefined;

  const markCaughtUp = () => {
    if (isCaughtUp) return;
    isCaughtUp = true;
    caughtUp();
  };

  const open = async (): Promise<ConsumerMessages> => {
    const js = jetstream(nc);
    const filter: Partial<OrderedConsumerOptions> = filterSubject === undefined ? {} : { filter_subjects: filterSubject };
    if (!started) {
      const { state } = await (await managerOf(nc)).streams.info(stream);
      targetSeq = state.last_seq;
      // 'new' means after what is stored now, even if the consumer must be recreated later.
      if (deliver === 'new') {
        lastSeq = state.last_seq;
        started = true;
        markCaughtUp();
      }
    }
    if (started) {
      consumer = await js.consumers.get(stream, { ...filter, opt_start_seq: lastSeq + 1 });
    } else {
      consumer = await js.consumers.get(stream, {
        ...filter,
        deliver_policy: deliver === 'all' ? DeliverPolicy.All : DeliverPolicy.LastPerSubject,
      });
      if ((await consumer.info(true)).num_pending === 0) markCaughtUp();
    }
    return consumer.consume({ max_messages: 256, expires: 10_000 });
  };

  const run = async () => {
    for (let attempt = 0; !stopping.signal.aborted; attempt += 1) {
      try {
        await consumer?.delete().catch(() => {});
        messages = await open();
        if (stopping.signal.aborted) messages.stop();
        for await (const message of messages) {
          attempt = 0;
          started = true;
          lastSeq = message.seq;
          await deliverOne(message.data, message.seq, message.subject);
          if (message.info.pending === 0 || message.seq >= targetSeq) markCaughtUp();
        }
      } catch (error) {
        if (!stopping.signal.aborted) logger.warn({ err: error, stream }, 'stream consumer failed; recreating it');
      }
      if (stopping.signal.aborted) break;
      if (nc.isClosed()) {
        logger.error({ stream }, 'NATS connection closed; no longer following the stream');
        break;
      }
      await sleep(Math.min(250 * 2 ** attempt, 5_000), undefined, { signal: stopping.signal }).catch(() => {});
    }
  };

  const deliverOne = async (data: Uint8Array, seq: number, subject: string) => {
    let event: GatehouseEvent;
    try {
      event = decodeEvent(data);
    } catch (error) {
      logger.warn({ err: error, stream, seq, subject }, 'skipping malformed event');
      return;
    }
    try {
      await handler(event, seq);
    } catch (error) {
      logger.error({ err: error, stream, seq, type: event.type }, 'event handler failed; event skipped');
    }
  };

  const running = run();
  return {
    caughtUp: caughtUpPromise,
    async stop() {
      stopping.abort();
      messages?.stop();
      await running;
      if (!nc.isClosed()) await consumer?.delete().catch(() => {});
    },
  };
}
