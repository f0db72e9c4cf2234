import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** A stretch of the sorted listing: the JIDs after `after` (a keyset cursor), at most `limit` of them. */
export interface AccountRange {
  after?: string;
  limit?: number;
}

/** Bare JIDs of the live accounts, sorted, optionally of one domain only. */
export async function listAccounts(db: Kysely<Database>, domain?: string, { after, limit }: AccountRange = {}): Promise<string[]> {
  let query = db.selectFrom('accounts').select('jid').where('deleted_at', 'is', null);
  if (domain !== undefined) query = query.where('domain', '=', domain.toLowerCase());
  if (after !== undefined) query = query.where('jid', '>', after);
  if (limit !== undefined) query = query.limit(limit);
  const rows = await query.orderBy('jid').execute();
  return rows.map((row) => row.jid);
}
