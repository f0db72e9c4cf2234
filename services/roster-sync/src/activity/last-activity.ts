/**
 * XEP-0012 last activity of accounts: when each account's most recent session ended,
 * read from `gatehouse.session.ended.v1` on the sessions stream through a durable
 * consumer (shared by the roster-sync replicas), so an ending seen while roster-sync
 * was down is still recorded. Kept in KV `<ns>_last_activity`, newest ending wins.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import { openKv, type KV, type NatsConnection } from '@gatehouse/bus';
import { decodeEvent, subjectToken, type Names } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';

export const LAST_ACTIVITY_CONSUMER = 'roster-sync-last-activity';

export interface LastLogout {
  /** RFC 3339 time the account's last session ended. */
  at: string;
}

export class LastActivity {
  private kv: KV | undefined;
  private messages: ConsumerMessages | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.kv = await openKv(this.nc, this.names.buckets.lastActivity, { history: 1 });
    const jsm = await jetstreamManager(this.nc);
    // Creating a durable consumer that exists with the same settings is a no-op.
    await jsm.consumers.add(this.names.streams.sessions, {
      durable_name: LAST_ACTIVITY_CONSUMER,
      filter_subject: this.names.subjects.sessions,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.messages?.stop();
    await this.running;
  }

  async lastLogout(bareJid: string): Promise<LastLogout | undefined> {
    const entry = await this.kv?.get(subjectToken(bareJid));
    return entry && entry.operation === 'PUT' ? entry.json<LastLogout>() : undefined;
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt += 1) {
      try {
        const consumer = await jetstream(this.nc).consumers.get(this.names.streams.sessions, LAST_ACTIVITY_CONSUMER);
        this.messages = await consumer.consume({ max_messages: 256 });
        if (this.stopping.signal.aborted) this.messages.stop();
        for await (const message of this.messages) {
          attempt = 0;
          try {
            const event = decodeEvent(message.data);
            if (event.type === 'gatehouse.session.ended.v1') await this.record(event.data.jid.split('/')[0]!, event.time);
            message.ack();
          } catch (error) {
            // A malformed event is no ending; a KV failure is retried by redelivery.
            if ((error as { code?: string }).code === 'malformed-event') message.term();
            else message.nak(1_000);
            this.logger.warn({ err: error, seq: message.seq }, 'could not record last activity');
          }
        }
      } catch (error) {
        if (!this.stopping.signal.aborted) this.logger.warn({ err: error }, 'last-activity consumer failed; recreating it');
      }
      if (this.stopping.signal.aborted || this.nc.isClosed()) break;
      await sleep(Math.min(250 * 2 ** attempt, 5_000), undefined, { signal: this.stopping.signal }).catch(() => {});
    }
  }

  /** Newest wins: replicas and redeliveries may hand endings over out of order. */
  private async record(bareJid: string, at: string): Promise<void> {
    const kv = this.kv!;
    const key = subjectToken(bareJid);
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await kv.get(key);
      const current = entry && entry.operation === 'PUT' ? entry.json<LastLogout>() : undefined;
      if (current && Date.parse(current.at) >= Date.parse(at)) return;
      try {
        const value = JSON.stringify({ at } satisfies LastLogout);
        if (entry) await kv.update(key, value, entry.revision);
        else await kv.create(key, value);
        return;
      } catch (error) {
        if (!/wrong last sequence|key exists|10071/i.test(String((error as Error).message))) throw error;
      }
    }
  }
}
