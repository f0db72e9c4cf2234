import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Bare JIDs of the live accounts, sorted, optionally of one domain only. */
export async function listAccounts(db: Kysely<Database>, domain?: string): Promise<string[]> {
  let query = db.selectFrom('accounts').select('jid').where('deleted_at', 'is', null);
  if (domain !== undefined) query = query.where('domain', '=', domain.toLowerCase());
  const rows = await query.orderBy('jid').execute();
  return rows.map((row) => row.jid);
}
