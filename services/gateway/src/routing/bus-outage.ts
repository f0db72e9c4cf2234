/**
 * What a replica does with a stanza for another replica while NATS is away (RFC 6120 §10:
 * deliver it or tell the sender, never neither). The stanza is held, within a buffer
 * bounded in count and bytes, until the connection is back or the wait runs out; past
 * either bound the sender gets `remote-server-timeout` (RFC 6120 §8.3.3.16).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@gatehouse/telemetry';

export interface OutageLimits {
  /** Longest a stanza waits for NATS to come back, and for the other replica to answer after it (ms). */
  waitMs: number;
  /** Stanzas held at once while NATS is away. */
  maxStanzas: number;
  /** Bytes of stanzas held at once while NATS is away. */
  maxBytes: number;
}

export type HoldOutcome = 'up' | 'buffer-full' | 'timeout';

export class BusOutage {
  #down = false;
  #epoch = 0;
  #reconnectedAt = 0;
  #held = 0;
  #heldBytes = 0;
  readonly #waiters = new Set<() => void>();
  /** Stanzas the outage kept from their recipient: bounced to the sender, or (presence, errors) dropped. */
  undelivered = 0;

  constructor(
    nc: NatsConnection,
    readonly limits: OutageLimits,
    private readonly logger: Logger,
  ) {
    void this.#watch(nc);
  }

  get down(): boolean {
    return this.#down;
  }

  /** Changes at every disconnect: a request that spans a change may have been lost with the connection. */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Down, or back for less than the wait: the other replicas may not have subscribed
   * again yet, so "no responders" does not yet mean their sessions are gone.
   */
  settling(now = Date.now()): boolean {
    return this.#down || now - this.#reconnectedAt < this.limits.waitMs;
  }

  /** Holds `bytes` against the buffer until NATS is back or `deadline` (epoch ms) passes. */
  async hold(bytes: number, deadline: number): Promise<HoldOutcome> {
    if (!this.#down) return 'up';
    if (this.#held + 1 > this.limits.maxStanzas || this.#heldBytes + bytes > this.limits.maxBytes) return 'buffer-full';
    this.#held += 1;
    this.#heldBytes += bytes;
    try {
      return await new Promise<HoldOutcome>((resolve) => {
        const back = () => {
          clearTimeout(timer);
          resolve('up');
        };
        const timer = setTimeout(() => {
          this.#waiters.delete(back);
          resolve('timeout');
        }, Math.max(0, deadline - Date.now()));
        this.#waiters.add(back);
      });
    } finally {
      this.#held -= 1;
      this.#heldBytes -= bytes;
    }
  }

  /** Counts and logs a stanza the outage kept from its recipient. */
  lost(what: { reason: HoldOutcome | 'no-answer'; replica: string; bounced: boolean }): void {
    this.undelivered += 1;
    this.logger.warn({ ...what, held: this.#held, heldBytes: this.#heldBytes, undelivered: this.undelivered }, 'stanza not delivered: NATS unavailable');
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'staleConnection') {
        if (!this.#down) this.#epoch += 1;
        this.#down = true;
      } else if (status.type === 'reconnect') {
        this.#down = false;
        this.#reconnectedAt = Date.now();
        for (const back of this.#waiters) back();
        this.#waiters.clear();
      }
    }
  }
}
