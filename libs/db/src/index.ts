export { resolveDatabase, describeDatabase, redactUrl, LOCAL_POSTGRES_URL, type ResolvedDatabase, type ResolveDatabaseOptions } from './resolve.ts';
export { probePostgres, type DatabaseProbe } from './probe.ts';
export { createDb, type CreateDbOptions } from './create.ts';
export { migrateToLatest } from './migrator.ts';
export { MigrationError } from './errors.ts';
