import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { ResolvedDatabase } from './resolve.ts';

/**
 * One Kysely instance per process. `DB` is the service's own `Database` interface, composed
 * from its `*.table.ts` files (a library cannot know a service's tables).
 */
export function createDb<DB>(resolved: ResolvedDatabase): Kysely<DB> {
  if (resolved.kind === 'postgres') {
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: resolved.url, max: 10 }) }) });
  }
  mkdirSync(resolved.dir, { recursive: true });
  // PGlite is one in-process connection; the dialect queues callers, so transactions
  // stay serial, which is also why only one process may open a PGlite directory.
  return new Kysely<DB>({ dialect: new PGliteDialect(new PGlite(resolved.dir)) });
}
