import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { createProjectionsService } from '../service.ts';
import { credentials, setupFixture, testLogger } from '../test-fixture.ts';

it('migrates and projects accounts on an embedded PGlite database', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-pglite-'));
  const fixture = await setupFixture({ kind: 'pglite', dir: join(dir, 'pg') });
  const service = createProjectionsService({ nc: fixture.nc, db: fixture.db, namespace: fixture.ns, logger: testLogger, retryDelayMs: 100 });
  try {
    await service.start();
    await fixture.append('gatehouse.account.created.v1', 'alice@localhost', { jid: 'alice@localhost', credentials });
    await fixture.append('gatehouse.account.created.v1', 'bob@localhost', { jid: 'bob@localhost', credentials });
    await fixture.append('gatehouse.account.deleted.v1', 'bob@localhost', { jid: 'bob@localhost' });
    assert.deepEqual(await service.listAccounts('localhost'), ['alice@localhost']);
    const rebuilt = await service.rebuild('account-listing');
    assert.deepEqual(rebuilt, { applied: 3, total: 3 });
    assert.deepEqual(await service.listAccounts(), ['alice@localhost']);
  } finally {
    await service.stop();
    await fixture.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});
