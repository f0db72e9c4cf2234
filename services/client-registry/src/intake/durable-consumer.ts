import { decodeEvent, MalformedEventError, type GatehouseEvent } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { ensureOrderedConsumer } from '@gatehouse/bus';
import type { NatsConnection } from '@nats-io/transport-node';

export interface DurableIntakeOptions {
  nc: NatsConnection;
  stream: string;
  /** Durable consumer name: a restart (or another replica) resumes where the last ack left off. */
  name: string;
  logger: Logger;
  handle(event: GatehouseEvent): Promise<void>;
  /** Delay before a failed event is redelivered, and between consumer restarts. Default 1 s. */
  retryDelayMs?: number;
}

export interface DurableIntake {
  readonly stream: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once every event up to stream sequence `seq` is handled (by any replica); false after `timeoutMs`. */
  waitFor(seq: number, timeoutMs: number): Promise<boolean>;
}

const POLL_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Feeds a whole stream to `handle` through a durable pull consumer, acking each event
 * only once it is handled: at least once, in stream order. `max_ack_pending: 1` keeps the
 * order even when an event is nak'ed for a retry (a session's bind must not overtake its
 * login). A handler that throws gets the event again after `retryDelayMs`; a malformed
 * event is logged and skipped (no Gatehouse producer writes one).
 */
export function durableIntake({ nc, stream, name, logger, handle, retryDelayMs = 1_000 }: DurableIntakeOptions): DurableIntake {
  const log = logger.child({ intake: name, stream });
  let messages: ConsumerMessages | undefined;
  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  const ensureConsumer = async () => ensureOrderedConsumer(await jetstreamManager(nc), stream, name);

  async function deliver(message: JsMsg): Promise<void> {
    let event: GatehouseEvent;
    try {
      event = decodeEvent(message.data);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      log.warn({ err: error, seq: message.seq }, 'skipping a malformed event');
      message.ack();
      return;
    }
    try {
      await handle(event);
    } catch (error) {
      if (error instanceof MalformedEventError) {
        // A fact the catalog rejects is rejected again on every retry: waiting would wedge the stream.
        log.error({ err: error, seq: message.seq, type: event.type }, 'the event makes no valid client fact; skipped');
        message.ack();
        return;
      }
      log.error({ err: error, seq: message.seq, type: event.type }, 'handling an event failed; it will be redelivered');
      message.nak(retryDelayMs);
      return;
    }
    message.ack();
  }

  async function run(): Promise<void> {
    const js = jetstream(nc);
    while (!stopping && !nc.isClosed()) {
      try {
        await ensureConsumer();
        const consumer = await js.consumers.get(stream, name);
        messages = await consumer.consume({ abort_on_missing_resource: true });
        if (stopping) messages.stop();
        for await (const message of messages) await deliver(message);
      } catch (error) {
        if (stopping) break;
        log.warn({ err: error }, 'intake consumer stopped; restarting');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, retryDelayMs);
        });
      }
    }
  }

  return {
    stream,
    async start() {
      if (loop) return;
      stopping = false;
      await ensureConsumer();
      loop = run();
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
      const jsm = await jetstreamManager(nc);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const info = await jsm.consumers.info(stream, name);
        if (info.ack_floor.stream_seq >= seq || (info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq >= seq)) return true;
        if (Date.now() >= deadline) return false;
        await sleep(POLL_MS);
      }
    },
  };
}
