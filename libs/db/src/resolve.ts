import { resolve as resolvePath } from 'node:path';
import { probePostgres, type DatabaseProbe } from './probe.ts';

export type ResolvedDatabase = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };

/** The local server a developer machine usually has (trust auth on loopback). */
export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ResolveDatabaseOptions {
  /** DATABASE_URL: used as is, never probed, so a typo fails loudly at connect. */
  databaseUrl?: string | undefined;
  /** An embedded database directory chosen by a launcher that already resolved one. */
  pgliteDir?: string | undefined;
  /** Where the embedded database lives (`<dataDir>/pg`) when nothing else is there. */
  dataDir: string;
  logger: { info(details: object, message: string): void };
  probe?: DatabaseProbe;
}

/**
 * DATABASE_URL, else the local server if it answers, else embedded PGlite: a laptop with
 * nothing installed still runs, and one with PostgreSQL uses it without configuration.
 */
export async function resolveDatabase(options: ResolveDatabaseOptions): Promise<ResolvedDatabase> {
  const { databaseUrl, pgliteDir, dataDir, logger, probe = probePostgres } = options;
  if (databaseUrl) return { kind: 'postgres', url: databaseUrl };
  if (pgliteDir) return { kind: 'pglite', dir: resolvePath(pgliteDir) };
  if (await probe(LOCAL_POSTGRES_URL)) {
    logger.info({ url: LOCAL_POSTGRES_URL }, 'DATABASE_URL unset: using the local PostgreSQL server');
    return { kind: 'postgres', url: LOCAL_POSTGRES_URL };
  }
  const dir = resolvePath(dataDir, 'pg');
  logger.info({ dir }, 'DATABASE_URL unset and no local PostgreSQL: using embedded PGlite');
  return { kind: 'pglite', dir };
}

/** For logs and banners: never shows a password. */
export function describeDatabase(resolved: ResolvedDatabase): string {
  if (resolved.kind === 'pglite') return `embedded PGlite in ${resolved.dir}`;
  return redactUrl(resolved.url);
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
