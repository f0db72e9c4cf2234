import { sql } from 'kysely';
import { defineProjection } from '../projection.ts';
import { upsertClient } from './client-row.ts';

const bareOf = (fullJid: string): string => fullJid.slice(0, fullJid.indexOf('/'));

/**
 * What each login changes in the client listing (catalog v2, docs/events.md): connected
 * and last seen, read from the sessions stream into the rows client-listing keeps, one
 * statement per event. The two streams are read apart, so every statement gives the same
 * rows whichever side is read first: times only widen, a login older than the client's
 * revocation or forgetting undoes neither, and an end read before its establishment leaves
 * a tombstone (with its time, the last seen) that the establishment consumes.
 *
 * Session events written before v2 (stream-opened, authentication-succeeded,
 * resource-bound, stream-closed) are not handled: their client events, in the clients
 * stream, already tell client-listing those logins.
 */
export const clientActivity = defineProjection({
  name: 'client-activity',
  shares: 'client-listing',
  handlers: {
    'gatehouse.session.established.v1': async (trx, { data, time }) => {
      const jid = bareOf(data.jid);
      const login = { ...data, jid };
      await sql`
        with ended as (delete from ended_client_sessions where session_id = ${data.sessionId} returning ended_at),
        client as (${upsertClient(login, time, { clearRevocation: 'if-later', unlessForgottenSince: true, seenUntil: sql`(select ended_at from ended)` })})
        insert into client_sessions (jid, client_id, session_id, full_jid, established_at)
        select ${jid}, ${data.clientId}, ${data.sessionId}, ${data.jid}, ${time}::timestamptz from client
        where client.revoked_at is null and not exists (select from ended)
        on conflict (jid, client_id, session_id) do update set full_jid = excluded.full_jid, established_at = excluded.established_at`.execute(trx);
    },
    // Before v2 the end named no client, and client-registry restated it (client.session-ended,
    // with the last seen): only the session row goes here, by its id, so a session bound
    // before v2 and ended after, which has no restatement, is not left connected.
    'gatehouse.session.ended.v1': async (trx, { data, time }) => {
      const jid = bareOf(data.jid);
      const clientId = data.clientId ?? null;
      // The end of a session the account's deletion cut is no last activity: a new account
      // of the same name has none (XEP-0012 §3 is about the account's own last logout).
      const lastActivity = data.reason === 'account-deleted' ? null : time;
      await sql`
        with gone as (delete from client_sessions where jid = ${jid} and session_id = ${data.sessionId} returning 1),
        seen as (
          update clients set last_seen = greatest(last_seen, ${time}::timestamptz),
            last_status = case when ${lastActivity}::timestamptz >= coalesce(last_ended_at, '-infinity') then ${data.status ?? null}::text else last_status end,
            last_ended_at = greatest(last_ended_at, ${lastActivity}::timestamptz)
          where jid = ${jid} and client_id = ${clientId})
        insert into ended_client_sessions (session_id, ended_at)
        select ${data.sessionId}, ${time}::timestamptz where ${clientId}::text is not null and not exists (select from gone)
        on conflict (session_id) do nothing`.execute(trx);
    },
  },
  reset: async (trx) => {
    await trx.deleteFrom('ended_client_sessions').execute();
  },
});
