import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { ClientLogins } from '@gatehouse/events';
import { toListing, type ClientListing } from './listing.ts';

/** The clients with access to `jid` at `now`, in listing order. */
export async function listClients(db: Kysely<Database>, jid: string, now: Date): Promise<ClientListing[]> {
  const [clients, sessions, tokens] = await Promise.all([
    db.selectFrom('clients').selectAll().where('jid', '=', jid).execute(),
    db.selectFrom('client_sessions').selectAll().where('jid', '=', jid).execute(),
    db.selectFrom('client_fast_tokens').selectAll().where('jid', '=', jid).execute(),
  ]);
  return toListing(clients, sessions, tokens, now);
}

/**
 * Every known client of `jid` (listed or not: the client limit counts both) with what its
 * logins changed: live sessions, last sight, last password and FAST use. Sorted by client
 * id, so pages follow one order.
 */
export async function clientLogins(db: Kysely<Database>, jid: string): Promise<ClientLogins[]> {
  const [clients, sessions] = await Promise.all([
    db.selectFrom('clients').select(['client_id', 'last_seen', 'password_used_at', 'fast_used_at']).where('jid', '=', jid).orderBy('client_id').execute(),
    db.selectFrom('client_sessions').select(['client_id', 'session_id', 'full_jid', 'established_at']).where('jid', '=', jid).orderBy('session_id').execute(),
  ]);
  const sessionsOf = new Map<string, ClientLogins['sessions']>();
  for (const row of sessions) {
    const session = {
      sessionId: row.session_id,
      ...(row.full_jid === null ? {} : { fullJid: row.full_jid }),
      ...(row.established_at === null ? {} : { establishedAt: row.established_at.toISOString() }),
    };
    sessionsOf.set(row.client_id, [...(sessionsOf.get(row.client_id) ?? []), session]);
  }
  return clients.map((row) => ({
    clientId: row.client_id,
    lastSeen: row.last_seen.toISOString(),
    ...(row.password_used_at === null ? {} : { passwordUsedAt: row.password_used_at.toISOString() }),
    ...(row.fast_used_at === null ? {} : { fastUsedAt: row.fast_used_at.toISOString() }),
    sessions: sessionsOf.get(row.client_id) ?? [],
  }));
}

/** Whether the account exists now, by the account listing. */
export async function accountExists(db: Kysely<Database>, jid: string): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('jid').where('jid', '=', jid).where('deleted_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

/** XEP-0012: the latest end of a session of any client of the account, with its status. */
export async function lastActivity(db: Kysely<Database>, jid: string): Promise<{ lastLogout?: string; status?: string }> {
  const row = await db
    .selectFrom('clients')
    .select(['last_ended_at', 'last_status'])
    .where('jid', '=', jid)
    .where('last_ended_at', 'is not', null)
    .orderBy('last_ended_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row?.last_ended_at) return {};
  return { lastLogout: new Date(row.last_ended_at).toISOString(), ...(row.last_status === null ? {} : { status: row.last_status }) };
}
