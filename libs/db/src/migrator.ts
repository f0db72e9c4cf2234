import { Migrator, type Kysely, type Migration } from 'kysely';
import { MigrationError } from './errors.ts';

/**
 * Migrations live in code (a record keyed by ISO-date names, so they sort in order) rather
 * than in a folder read at run time: they ship with the bundle and cannot go missing.
 * Returns the names applied by this call.
 */
export async function migrateToLatest(db: Kysely<any>, migrations: Record<string, Migration>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === 'Error');
    throw new MigrationError(failed?.migrationName, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
