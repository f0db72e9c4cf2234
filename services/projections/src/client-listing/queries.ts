import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
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
