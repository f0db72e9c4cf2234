/**
 * XEP-0012 last activity of accounts: when each account's most recent session ended,
 * with the status of the unavailable presence it ended with (§3), read from `gatehouse.session.ended.v1` on the sessions stream through a durable
 * consumer (shared by the roster-sync replicas), so an ending seen while roster-sync
 * was down is still recorded. Kept in KV `<ns>_last_activity`, newest ending wins.
 */
import { durableIntake, openKv, type DurableIntake, type KV, type NatsConnection } from '@gatehouse/bus';
import { subjectToken, type Names } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';

export const LAST_ACTIVITY_CONSUMER = 'roster-sync-last-activity';

export interface LastLogout {
  /** RFC 3339 time the account's last session ended. */
  at: string;
  /** The `<status/>` of its last unavailable presence, if it sent one. */
  status?: string;
}

export class LastActivity {
  private kv: KV | undefined;
  private intake: DurableIntake | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.kv = await openKv(this.nc, this.names.buckets.lastActivity, { history: 1 });
    this.intake = durableIntake({
      nc: this.nc,
      stream: this.names.streams.sessions,
      name: LAST_ACTIVITY_CONSUMER,
      logger: this.logger,
      handle: async (event) => {
        // The sessions a deletion cut end after it: their ending is the deleted account's, not a new one's.
        if (event.type === 'gatehouse.session.ended.v1' && event.data.reason !== 'account-deleted') await this.record(event.data.jid.split('/')[0]!, { at: event.time, status: event.data.status });
      },
    });
    await this.intake.start();
  }

  async stop(): Promise<void> {
    await this.intake?.stop();
  }

  async lastLogout(bareJid: string): Promise<LastLogout | undefined> {
    const entry = await this.kv?.get(subjectToken(bareJid));
    return entry && entry.operation === 'PUT' ? entry.json<LastLogout>() : undefined;
  }

  /** The account was deleted: a new account of that name has no last activity yet. */
  async forget(bareJid: string): Promise<void> {
    await this.kv?.purge(subjectToken(bareJid));
  }

  /** Newest wins: replicas and redeliveries may hand endings over out of order. */
  private async record(bareJid: string, ending: LastLogout): Promise<void> {
    const kv = this.kv!;
    const key = subjectToken(bareJid);
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await kv.get(key);
      const current = entry && entry.operation === 'PUT' ? entry.json<LastLogout>() : undefined;
      if (current && Date.parse(current.at) >= Date.parse(ending.at)) return;
      try {
        const value = JSON.stringify(ending);
        if (entry) await kv.update(key, value, entry.revision);
        else await kv.create(key, value);
        return;
      } catch (error) {
        if (!/wrong last sequence|key exists|10071/i.test(String((error as Error).message))) throw error;
      }
    }
  }
}
