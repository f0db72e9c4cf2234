import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { defineProjection } from '../projection.ts';
import { upsertClient } from './client-row.ts';

interface Key {
  jid: string;
  clientId: string;
}

/** Rows of one client, in any of the three tables. */
const of = ({ jid, clientId }: Key) => ({ jid, client_id: clientId });

async function exists(trx: Kysely<Database>, key: Key): Promise<boolean> {
  const row = await trx.selectFrom('clients').select('jid').where('jid', '=', key.jid).where('client_id', '=', key.clientId).executeTakeFirst();
  return row !== undefined;
}

/** Facts from several streams reach the registry in no set order: seen times only widen. */
function seenStatement(key: Key, time: string) {
  return sql`update clients set first_seen = least(first_seen, ${time}::timestamptz), last_seen = greatest(last_seen, ${time}::timestamptz)
    where jid = ${key.jid} and client_id = ${key.clientId} returning 1`;
}

async function seen(trx: Kysely<Database>, key: Key, time: string): Promise<void> {
  await seenStatement(key, time).execute(trx);
}

/**
 * A new row, or nothing if the client is known: its user agent stays as first seen, unless
 * none was (the client aggregate's rule: a fact without one is no sight).
 */
async function insertClient(trx: Kysely<Database>, key: Key, time: string, init: { legacy: boolean; sessionSeen: boolean; userAgent?: { software?: string; device?: string; uri?: string } }) {
  await trx
    .insertInto('clients')
    .values({
      ...of(key),
      legacy: init.legacy,
      session_seen: init.sessionSeen,
      first_seen: time,
      last_seen: time,
      software: init.userAgent?.software ?? null,
      device: init.userAgent?.device ?? null,
      uri: init.userAgent?.uri ?? null,
    })
    .onConflict((conflict) => conflict.columns(['jid', 'client_id']).doNothing())
    .execute();
  if (!init.userAgent) return;
  await trx
    .updateTable('clients')
    .set({ software: init.userAgent.software ?? null, device: init.userAgent.device ?? null, uri: init.userAgent.uri ?? null })
    .where('jid', '=', key.jid)
    .where('client_id', '=', key.clientId)
    .where('software', 'is', null)
    .where('device', 'is', null)
    .where('uri', 'is', null)
    .execute();
}

/**
 * Clients with access to each account (docs/client-management.md): what `clients.list` answers, and
 * so the XMPP list, `gatehouse user clients` and the admin API. It mirrors the client
 * aggregate of client-registry, event by event, so rebuilding gives the same rows. Since
 * catalog v2 the registry speaks only when a client changes; what each login changes
 * (connected, last seen) client-activity writes into the same rows from the sessions stream.
 */
export const clientListing = defineProjection({
  name: 'client-listing',
  handlers: {
    // Before catalog v2 every login was three of these (authenticated, session-bound,
    // session-ended), one statement each: round trips, not rows, are what a storm costs.
    'gatehouse.client.authenticated.v1': async (trx, { data, time }) => {
      await sql`
        with client as (${upsertClient(data, time, { clearRevocation: 'always', unlessForgottenSince: false })})
        insert into client_sessions (jid, client_id, session_id, full_jid)
        select ${data.jid}, ${data.clientId}, ${data.sessionId}, null from client
        on conflict (jid, client_id, session_id) do nothing`.execute(trx);
    },
    // Identity only: the login's session is client-activity's, from session.established.
    'gatehouse.client.seen.v1': async (trx, { data, time }) => {
      await upsertClient(data, time, { clearRevocation: 'if-later', unlessForgottenSince: false }).execute(trx);
    },
    'gatehouse.client.session-bound.v1': async (trx, { data, time }) => {
      await sql`
        with client as (${seenStatement(data, time)})
        insert into client_sessions (jid, client_id, session_id, full_jid)
        select ${data.jid}, ${data.clientId}, ${data.sessionId}, ${data.fullJid} from client
        on conflict (jid, client_id, session_id) do update set full_jid = excluded.full_jid`.execute(trx);
    },
    'gatehouse.client.session-ended.v1': async (trx, { data, time }) => {
      await sql`
        with client as (${seenStatement(data, time)})
        delete from client_sessions
        where jid = ${data.jid} and client_id = ${data.clientId} and session_id = ${data.sessionId} and exists (select from client)`.execute(trx);
    },
    'gatehouse.client.granted.v1': async (trx, { data, time }) => {
      await insertClient(trx, data, time, { legacy: false, sessionSeen: false, ...(data.userAgent ? { userAgent: data.userAgent } : {}) });
      await seen(trx, data, time);
      await trx
        .updateTable('clients')
        .set({ grant_id: data.grantId, grant_created_at: time, revoked_at: null })
        .where('jid', '=', data.jid)
        .where('client_id', '=', data.clientId)
        .execute();
    },
    'gatehouse.client.grant-used.v1': async (trx, { data, time }) => {
      const row = await trx.selectFrom('clients').select('grant_id').where('jid', '=', data.jid).where('client_id', '=', data.clientId).executeTakeFirst();
      if (row?.grant_id === data.grantId) await seen(trx, data, time);
    },
    'gatehouse.client.grant-revoked.v1': async (trx, { data }) => {
      await trx
        .updateTable('clients')
        .set({ grant_id: null, grant_created_at: null })
        .where('jid', '=', data.jid)
        .where('client_id', '=', data.clientId)
        .where('grant_id', '=', data.grantId)
        .execute();
    },
    'gatehouse.client.fast-token-issued.v1': async (trx, { data, time }) => {
      if (!(await exists(trx, data))) return;
      await trx
        .insertInto('client_fast_tokens')
        .values({ ...of(data), token_id: data.tokenId, issued_at: time, expires_at: data.expiresAt })
        .onConflict((conflict) => conflict.columns(['jid', 'client_id', 'token_id']).doUpdateSet({ issued_at: time, expires_at: data.expiresAt }))
        .execute();
    },
    'gatehouse.client.fast-token-invalidated.v1': async (trx, { data }) => {
      await trx.deleteFrom('client_fast_tokens').where('jid', '=', data.jid).where('client_id', '=', data.clientId).where('token_id', '=', data.tokenId).execute();
    },
    'gatehouse.client.password-changed.v1': async (trx, { data, time }) => {
      await trx
        .updateTable('clients')
        .set({ password_changed_at: sql`greatest(password_changed_at, ${time}::timestamptz)` })
        .where('jid', '=', data.jid)
        .where('client_id', '=', data.clientId)
        .execute();
    },
    'gatehouse.client.forgotten.v1': async (trx, { data, time }) => {
      await forget(trx, data, time);
    },
    'gatehouse.client.revoked.v1': async (trx, { data, time }) => {
      if (!(await exists(trx, data))) return;
      // Its sessions are being closed, and its grant and every token revoked with it. A
      // session established after the revocation (read first from the sessions stream) stays.
      await trx
        .deleteFrom('client_sessions')
        .where('jid', '=', data.jid)
        .where('client_id', '=', data.clientId)
        .where((eb) => eb.or([eb('established_at', 'is', null), eb('established_at', '<=', new Date(time))]))
        .execute();
      await trx.deleteFrom('client_fast_tokens').where('jid', '=', data.jid).where('client_id', '=', data.clientId).execute();
      // A login after the revocation, read first, has brought the client back already.
      await sql`
        update clients c set revoked_at = ${time}::timestamptz
        where c.jid = ${data.jid} and c.client_id = ${data.clientId}
          and not coalesce(greatest(c.password_used_at, c.fast_used_at) > ${time}::timestamptz, false)
          and not exists (select from client_sessions s where s.jid = c.jid and s.client_id = c.client_id and s.established_at > ${time}::timestamptz)`.execute(trx);
      if (data.grantId !== undefined) {
        await trx
          .updateTable('clients')
          .set({ grant_id: null, grant_created_at: null })
          .where('jid', '=', data.jid)
          .where('client_id', '=', data.clientId)
          .where('grant_id', '=', data.grantId)
          .execute();
      }
    },
  },
  reset: async (trx) => {
    await trx.deleteFrom('client_fast_tokens').execute();
    await trx.deleteFrom('client_sessions').execute();
    await trx.deleteFrom('clients').execute();
    await trx.deleteFrom('forgotten_clients').execute();
  },
});

/**
 * Forgets what was known of the client at `time`. The sessions stream is read apart from
 * this one, so a login after the forgetting may be in the rows already: that session and
 * the row stay, stripped of what the clients stream had said before (grant, revocation,
 * password change, tokens, older logins); the registry's client.seen follows. The tombstone
 * keeps a login older than the forgetting, read later, from bringing the client back.
 */
async function forget(trx: Kysely<Database>, key: Key, time: string): Promise<void> {
  await trx
    .insertInto('forgotten_clients')
    .values({ ...of(key), forgotten_at: time })
    .onConflict((conflict) => conflict.columns(['jid', 'client_id']).doUpdateSet({ forgotten_at: sql`greatest(forgotten_clients.forgotten_at, excluded.forgotten_at)` }))
    .execute();
  const client = (table: 'client_fast_tokens' | 'client_sessions' | 'clients') => trx.deleteFrom(table).where('jid', '=', key.jid).where('client_id', '=', key.clientId);
  await client('client_fast_tokens').execute();
  await client('client_sessions').where((eb) => eb.or([eb('established_at', 'is', null), eb('established_at', '<=', new Date(time))])).execute();
  const { rows: kept } = await sql`
    update clients set
      first_seen = (select min(s.established_at) from client_sessions s where s.jid = clients.jid and s.client_id = clients.client_id),
      password_used_at = case when password_used_at > ${time}::timestamptz then password_used_at end,
      fast_used_at = case when fast_used_at > ${time}::timestamptz then fast_used_at end,
      password_changed_at = null, grant_id = null, grant_created_at = null, revoked_at = null
    where jid = ${key.jid} and client_id = ${key.clientId}
      and exists (select from client_sessions s where s.jid = clients.jid and s.client_id = clients.client_id)
    returning 1`.execute(trx);
  if (kept.length === 0) await client('clients').execute();
}
