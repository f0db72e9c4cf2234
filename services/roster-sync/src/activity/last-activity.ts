/**
 * XEP-0012 last activity of accounts: when each account's most recent session ended, with
 * the status of the unavailable presence it ended with (§3). Since catalog v2 the client
 * listing's rows hold it (the projections service reads `session.ended` with the rest of
 * the listing, `projections.activity.last`), so a login costs roster-sync nothing. Before,
 * a consumer of roster-sync's own kept it in KV `<ns>_last_activity`: that bucket is still
 * read, so an account whose last logout predates the upgrade keeps it, and it is purged
 * with the account.
 */
import { call, managerOf, openKv, type KV, type NatsConnection } from '@gatehouse/bus';
import { subjectToken, type Names } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';

/** The durable consumer that fed the bucket before catalog v2. */
export const LEGACY_LAST_ACTIVITY_CONSUMER = 'roster-sync-last-activity';

export interface LastLogout {
  /** RFC 3339 time the account's last session ended. */
  at: string;
  /** The `<status/>` of its last unavailable presence, if it sent one. */
  status?: string;
}

export class LastActivity {
  private kv: KV | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly ns: string,
    private readonly names: Names,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.kv = await openKv(this.nc, this.names.buckets.lastActivity, { history: 1 });
    // Nothing reads that consumer any more, and a durable consumer left behind would keep
    // its backlog on the server.
    const jsm = await managerOf(this.nc);
    await jsm.consumers.delete(this.names.streams.sessions, LEGACY_LAST_ACTIVITY_CONSUMER).then(
      () => this.logger.info({ consumer: LEGACY_LAST_ACTIVITY_CONSUMER }, 'removed the consumer last activity no longer needs'),
      () => undefined,
    );
  }

  /** The later of the listing's answer and what the bucket kept from before. */
  async lastLogout(bareJid: string): Promise<LastLogout | undefined> {
    const [listed, entry] = await Promise.all([call(this.nc, this.ns, 'projections.activity.last', { jid: bareJid }), this.kv?.get(subjectToken(bareJid))]);
    const kept = entry && entry.operation === 'PUT' ? entry.json<LastLogout>() : undefined;
    if (listed.lastLogout === undefined) return kept;
    if (kept && Date.parse(kept.at) > Date.parse(listed.lastLogout)) return kept;
    return { at: listed.lastLogout, ...(listed.status === undefined ? {} : { status: listed.status }) };
  }

  /** The account was deleted: a new account of that name has no last activity yet. */
  async forget(bareJid: string): Promise<void> {
    await this.kv?.purge(subjectToken(bareJid));
  }
}
