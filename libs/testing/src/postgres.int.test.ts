import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, testServerUrl } from './postgres.ts';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('creates a separate empty database and drops it even with a connection open', async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    client.on('error', () => {});
    const { rows } = await client.query<{ db: string }>('select current_database() as db');
    assert.equal(rows[0]?.db, database.name);
    await database.cleanup();
    assert.equal(await databaseExists(database.name), false);
    await client.end().catch(() => {});
  });
});
