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
