import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { ResolvedDatabase } from './resolve.ts';

export interface CreateDbOptions {
  /**
   * An idle pooled connection was closed under the pool (PostgreSQL restarted, or an
   * administrator terminated it). pg drops that connection and opens another for the next
   * query; without a listener its 'error' event would end the process.
   */
  onConnectionError(error: Error): void;
}

/**
 * One Kysely instance per process. `DB` is the service's own `Database` interface, composed
 * from its `*.table.ts` files (a library cannot know a service's tables).
 */
export function createDb<DB>(resolved: ResolvedDatabase, { onConnectionError }: CreateDbOptions): Kysely<DB> {
  if (resolved.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: resolved.url, max: 10 });
    pool.on('error', onConnectionError);
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  mkdirSync(resolved.dir, { recursive: true });
  // PGlite is one in-process connection; the dialect queues callers, so transactions
  // stay serial, which is also why only one process may open a PGlite directory.
  return new Kysely<DB>({ dialect: new PGliteDialect(new PGlite(resolved.dir)) });
}
