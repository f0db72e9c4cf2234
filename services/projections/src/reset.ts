import type { Kysely } from 'kysely';
import { deleteCheckpoint } from './checkpoint.ts';
import type { Database } from './database.ts';
import type { Projection } from './projection.ts';

/**
 * Rows and checkpoint go together, so a crash between the two cannot leave one without the
 * other; so do the projections sharing rows (projectionGroup), whose checkpoints all count
 * in rows that are gone.
 */
export async function resetProjection(db: Kysely<Database>, group: readonly Projection[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const projection of group) {
      await projection.reset(trx);
      await deleteCheckpoint(trx, projection.name);
    }
  });
}
