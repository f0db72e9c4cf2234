import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/**
 * The stored sequence, 0 when the projection has none yet. Inside the apply transaction the
 * row is locked, so two replicas handed the same message cannot both apply it.
 */
export async function readCheckpoint(db: Kysely<Database>, name: string, options: { lock?: boolean } = {}): Promise<number> {
  let query = db.selectFrom('projection_checkpoints').select('last_sequence').where('name', '=', name);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? Number(row.last_sequence) : 0;
}

export async function saveCheckpoint(db: Kysely<Database>, name: string, stream: string, sequence: number): Promise<void> {
  await db
    .insertInto('projection_checkpoints')
    .values({ name, stream, last_sequence: sequence })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ stream, last_sequence: sequence }))
    .execute();
}

export async function deleteCheckpoint(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('projection_checkpoints').where('name', '=', name).execute();
}
