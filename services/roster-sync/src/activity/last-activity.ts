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

/** Revisions remembered for the accounts that ended a session most recently. */
const REMEMBERED_ENDINGS = 10_000;

/** A key's revision and the ending it holds (none for a deleted key). */
interface WrittenEnding {
  revision: number;
  at: string | undefined;
}

export class LastActivity {
  private kv: KV | undefined;
  private readonly written = new Map<string, WrittenEnding>();
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
    this.written.delete(subjectToken(bareJid));
    await this.kv?.purge(subjectToken(bareJid));
  }

  /**
   * Newest wins: replicas and redeliveries may hand endings over out of order, so each write
   * is checked against the revision it replaces. The revision this replica wrote last is
   * remembered, so an account that keeps logging in costs one write per ending, not a read
   * and a write; a revision someone else moved on costs the read after all.
   */
  private async record(bareJid: string, ending: LastLogout): Promise<void> {
    const kv = this.kv!;
    const key = subjectToken(bareJid);
    const value = JSON.stringify(ending);
    let current = this.written.get(key);
    for (let attempt = 0; attempt < 5; attempt++) {
      if (current?.at !== undefined && Date.parse(current.at) >= Date.parse(ending.at)) return;
      try {
        const revision = current ? await kv.update(key, value, current.revision) : await kv.create(key, value);
        this.remember(key, { revision, at: ending.at });
        return;
      } catch (error) {
        if (!/wrong last sequence|key exists|10071/i.test(String((error as Error).message))) throw error;
      }
      const entry = await kv.get(key);
      current = entry ? { revision: entry.revision, at: entry.operation === 'PUT' ? entry.json<LastLogout>().at : undefined } : undefined;
    }
  }

  private remember(key: string, written: WrittenEnding): void {
    this.written.delete(key);
    this.written.set(key, written);
    if (this.written.size > REMEMBERED_ENDINGS) this.written.delete(this.written.keys().next().value as string);
  }
}
