import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql, type Kysely, type Migration } from 'kysely';
import { createDb } from './create.ts';
import { MigrationError } from './errors.ts';
import { migrateToLatest } from './migrator.ts';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const migrations: Record<string, Migration> = {
  '2026-01-01-notes': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('notes').addColumn('id', 'integer', (col) => col.primaryKey()).addColumn('text', 'text').execute();
    },
  },
};

interface Notes {
  notes: { id: number; text: string };
}

describe('createDb', () => {
  it('talks to a PostgreSQL server', async () => {
    const db = createDb<Record<string, never>>({ kind: 'postgres', url: serverUrl }, { onConnectionError: () => {} });
    try {
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      assert.deepEqual(rows, [{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it('survives PostgreSQL closing an idle pooled connection: reported, and the next query works', async () => {
    const errors: Error[] = [];
    const db = createDb<Record<string, never>>({ kind: 'postgres', url: serverUrl }, { onConnectionError: (error) => errors.push(error) });
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
      // As a PostgreSQL restart or `drop database ... with (force)` does to an idle connection.
      const admin = createDb<Record<string, never>>({ kind: 'postgres', url: serverUrl }, { onConnectionError: () => {} });
      try {
        await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(admin);
      } finally {
        await admin.destroy();
      }
      const deadline = Date.now() + 5_000;
      while (errors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(errors.length, 1, 'the closed connection was reported, not thrown');
      const again = await sql<{ one: number }>`select 1 as one`.execute(db);
      assert.deepEqual(again.rows, [{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it('migrates an embedded PGlite database once and keeps its data across reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-db-'));
    try {
      const first = createDb<Notes>({ kind: 'pglite', dir: join(dir, 'pg') }, { onConnectionError: () => {} });
      assert.deepEqual(await migrateToLatest(first, migrations), ['2026-01-01-notes']);
      await first.insertInto('notes').values({ id: 1, text: 'kept' }).execute();
      await first.destroy();

      const second = createDb<Notes>({ kind: 'pglite', dir: join(dir, 'pg') }, { onConnectionError: () => {} });
      assert.deepEqual(await migrateToLatest(second, migrations), []);
      assert.deepEqual(await second.selectFrom('notes').selectAll().execute(), [{ id: 1, text: 'kept' }]);
      await second.destroy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports which migration failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-db-'));
    const db = createDb<Notes>({ kind: 'pglite', dir: join(dir, 'pg') }, { onConnectionError: () => {} });
    try {
      const broken = { '2026-01-02-broken': { up: async (trx: Kysely<any>) => void (await sql`select * from missing`.execute(trx)) } };
      await assert.rejects(migrateToLatest(db, broken), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.code, 'migration-failed');
        assert.equal(error.migration, '2026-01-02-broken');
        return true;
      });
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
