import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { describeDatabase, LOCAL_POSTGRES_URL, resolveDatabase } from './resolve.ts';

const logger = { info: () => {} };
const probeAnswering = (answer: boolean) => {
  const asked: string[] = [];
  const probe = async (url: string) => {
    asked.push(url);
    return answer;
  };
  return { probe, asked };
};

describe('resolveDatabase', () => {
  it('uses DATABASE_URL as given and never probes', async () => {
    const { probe, asked } = probeAnswering(true);
    const resolved = await resolveDatabase({ databaseUrl: 'postgres://u:p@db:5432/x', dataDir: '/d', logger, probe });
    assert.deepEqual(resolved, { kind: 'postgres', url: 'postgres://u:p@db:5432/x' });
    assert.deepEqual(asked, []);
  });

  it('uses a launcher-chosen embedded directory without probing', async () => {
    const { probe, asked } = probeAnswering(true);
    const resolved = await resolveDatabase({ pgliteDir: 'x/pg', dataDir: '/d', logger, probe });
    assert.deepEqual(resolved, { kind: 'pglite', dir: resolve('x/pg') });
    assert.deepEqual(asked, []);
  });

  it('uses the local server when it answers', async () => {
    const { probe, asked } = probeAnswering(true);
    const resolved = await resolveDatabase({ dataDir: '/d', logger, probe });
    assert.deepEqual(resolved, { kind: 'postgres', url: LOCAL_POSTGRES_URL });
    assert.deepEqual(asked, [LOCAL_POSTGRES_URL]);
  });

  it('falls back to PGlite under <dataDir>/pg when nothing answers', async () => {
    const { probe } = probeAnswering(false);
    const resolved = await resolveDatabase({ databaseUrl: '', dataDir: '/tmp/data', logger, probe });
    assert.deepEqual(resolved, { kind: 'pglite', dir: '/tmp/data/pg' });
  });
});

describe('describeDatabase', () => {
  it('hides the password of a URL', () => {
    assert.equal(describeDatabase({ kind: 'postgres', url: 'postgres://gh:s3cret@db:5432/gh' }), 'postgres://gh:***@db:5432/gh');
  });

  it('names the embedded directory', () => {
    assert.equal(describeDatabase({ kind: 'pglite', dir: '/d/pg' }), 'embedded PGlite in /d/pg');
  });
});
