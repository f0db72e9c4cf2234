import type { Kysely } from 'kysely';
import { deleteCheckpoint } from './checkpoint.ts';
import type { Database } from './database.ts';
import type { Projection } from './projection.ts';

/** Rows and checkpoint go together, so a crash between the two cannot leave one without the other. */
export async function resetProjection(db: Kysely<Database>, projection: Projection): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await projection.reset(trx);
    await deleteCheckpoint(trx, projection.name);
  });
}
