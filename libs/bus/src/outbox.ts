import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamApiError } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { GatehouseEvent } from '@gatehouse/events';
import type { Logger } from 'pino';
import { appendEvent } from './append.ts';
import { StreamFullError } from './errors.ts';

interface Entry {
  event: GatehouseEvent;
  settle: () => void;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;

/**
 * Publishing for callers that must not wait on NATS (the gateway's session events).
 * Events of one subject are stored strictly in order, each after the previous one's
 * ack; subjects proceed in parallel. A publish that fails for want of NATS is retried,
 * with the same Nats-Msg-Id, until it is stored or stop() is called: never lost, never
 * doubled, provided NATS is back within the stream's 2-minute duplicate window.
 * An event JetStream itself rejects (e.g. too large), or any event once the connection
 * is closed for good, is logged and dropped.
 */
export class EventOutbox {
  readonly #queues = new Map<string, Entry[]>();
  readonly #drained: (() => void)[] = [];
  readonly #stopping = new AbortController();
  readonly #stopped = new Promise<false>((resolve) =>
    this.#stopping.signal.addEventListener('abort', () => resolve(false), { once: true }),
  );
  #pending = 0;
  #outage = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
  ) {}

  /** Events accepted but not yet stored. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Queues the event. The promise never rejects, so `void outbox.publish(e)` is safe; it
   * resolves once the event is stored, or when it is dropped (rejected, or stop()).
   */
  publish(event: GatehouseEvent): Promise<void> {
    if (this.#stopping.signal.aborted) {
      this.logger.error({ eventId: event.id, type: event.type }, 'outbox stopped; event not published');
      return Promise.resolve();
    }
    return new Promise((settle) => {
      this.#pending += 1;
      const queue = this.#queues.get(event.subject);
      if (queue) {
        queue.push({ event, settle });
        return;
      }
      this.#queues.set(event.subject, [{ event, settle }]);
      void this.#run(event.subject);
    });
  }

  /** Resolves when every accepted event is stored (or dropped). */
  drain(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Stops retrying; events not yet stored are dropped and logged. */
  stop(): void {
    if (this.#stopping.signal.aborted) return;
    this.#stopping.abort();
    const dropped = [...this.#queues.values()].flat().map((entry) => entry.event.id);
    if (dropped.length > 0) this.logger.error({ eventIds: dropped }, 'outbox stopped with unpublished events');
  }

  async #run(subject: string): Promise<void> {
    const queue = this.#queues.get(subject) ?? [];
    for (let entry = queue[0]; entry !== undefined; entry = queue[0]) {
      if (!this.#stopping.signal.aborted) await this.#store(entry.event);
      queue.shift();
      this.#pending -= 1;
      entry.settle();
    }
    this.#queues.delete(subject);
    if (this.#pending === 0) this.#drained.splice(0).forEach((resolve) => resolve());
  }

  async #store(event: GatehouseEvent): Promise<void> {
    for (let attempt = 0; !this.#stopping.signal.aborted; attempt += 1) {
      try {
        // stop() must not wait out an attempt's ack timeout; an abandoned attempt may still land.
        if (!(await Promise.race([appendEvent(this.nc, event).then(() => true), this.#stopped]))) return;
        if (this.#outage) {
          this.#outage = false;
          this.logger.info({ pending: this.#pending }, 'NATS accepts events again');
        }
        return;
      } catch (error) {
        if (error instanceof JetStreamApiError || error instanceof StreamFullError || this.nc.isClosed()) {
          this.logger.error({ err: error, eventId: event.id, type: event.type }, 'event cannot be published; dropped');
          return;
        }
        if (!this.#outage) {
          this.#outage = true;
          this.logger.warn({ err: error, pending: this.#pending }, 'cannot publish events; retrying until NATS is back');
        }
        await sleep(Math.min(FIRST_RETRY_MS * 2 ** attempt, MAX_RETRY_MS), undefined, {
          signal: this.#stopping.signal,
        }).catch(() => {});
      }
    }
  }
}
