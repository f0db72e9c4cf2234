import { sql, type RawBuilder } from 'kysely';

/** What a login tells of its client: client.authenticated, client.seen and session.established alike. */
export interface Login {
  jid: string;
  clientId: string;
  legacy: boolean;
  mechanism: string;
  method: 'password' | 'fast';
  userAgent?: { software?: string; device?: string; uri?: string } | undefined;
}

export interface UpsertOptions {
  /**
   * 'always' mirrors client.authenticated, read in the clients stream's order. 'if-later'
   * is for facts read in no set order against the revocation: only a login after it
   * means the client came back.
   */
  clearRevocation: 'always' | 'if-later';
  /** Write nothing when the client was forgotten at or after the login (a late session.established). */
  unlessForgottenSince: boolean;
  /** An SQL expression for a later last seen the statement already knows of (a session end read first), or null. */
  seenUntil?: RawBuilder<unknown>;
}

/** As Prosody's mod_client_management counts them: every SASL mechanism is a password mechanism except OAUTHBEARER and the HT-* (FAST) family. */
const PASSWORD_FREE = /^(OAUTHBEARER|HT-.*)$/;

/**
 * Creates the client row of a login, or widens the known one: seen times only widen, the
 * user agent stays as first seen (unless none was), and the last password and FAST use move
 * forward. Returns the row's `revoked_at` after the change, for a statement to build on.
 */
export function upsertClient(login: Login, time: string, { clearRevocation, unlessForgottenSince, seenUntil }: UpsertOptions): RawBuilder<unknown> {
  const { jid, clientId } = login;
  const userAgent = login.userAgent ?? {};
  const passwordUsed = PASSWORD_FREE.test(login.mechanism) ? null : time;
  const fastUsed = login.method === 'fast' ? time : null;
  const keepsAgent = sql`(c.software is not null or c.device is not null or c.uri is not null)`;
  const revokedAt = clearRevocation === 'always' ? sql`null` : sql`case when c.revoked_at < excluded.last_seen then null else c.revoked_at end`;
  const forgotten = unlessForgottenSince
    ? sql`where not exists (select from forgotten_clients f where f.jid = ${jid} and f.client_id = ${clientId} and f.forgotten_at >= ${time}::timestamptz)`
    : sql``;
  return sql`
    insert into clients as c (jid, client_id, legacy, session_seen, first_seen, last_seen, software, device, uri, password_used_at, fast_used_at)
    select ${jid}, ${clientId}, ${login.legacy}::boolean, true, ${time}::timestamptz, greatest(${time}::timestamptz, ${seenUntil ?? sql`null`}), ${userAgent.software ?? null}, ${userAgent.device ?? null},
      ${userAgent.uri ?? null}, ${passwordUsed}::timestamptz, ${fastUsed}::timestamptz
    ${forgotten}
    on conflict (jid, client_id) do update set
      first_seen = least(c.first_seen, excluded.first_seen),
      last_seen = greatest(c.last_seen, excluded.last_seen),
      session_seen = true,
      revoked_at = ${revokedAt},
      password_used_at = greatest(c.password_used_at, excluded.password_used_at),
      fast_used_at = greatest(c.fast_used_at, excluded.fast_used_at),
      software = case when ${keepsAgent} then c.software else excluded.software end,
      device = case when ${keepsAgent} then c.device else excluded.device end,
      uri = case when ${keepsAgent} then c.uri else excluded.uri end
    returning c.revoked_at`;
}
