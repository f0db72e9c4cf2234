import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { request } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { natsUrl, setupNats, startServiceProcess } from '@gatehouse/testing';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

it('main.ts migrates an embedded database, signals ready and answers accounts.list', async () => {
  const nats = await setupNats();
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-projections-'));
  try {
    const service = await startServiceProcess(main, { NATS_URL: natsUrl(), GATEHOUSE_NAMESPACE: nats.ns, GATEHOUSE_PGLITE_DIR: join(dir, 'pg'), DATABASE_URL: '' }, 30_000);
    try {
      assert.deepEqual(service.ready, { type: 'ready', service: 'projections', database: 'pglite' });
      const reply = await request(nats.nc, `${namesFor(nats.ns).services.projections}.accounts.list`, {}, { timeoutMs: 5_000 });
      assert.deepEqual(reply, { items: [] });
      assert.equal(await service.stop(), 0);
    } finally {
      await service.stop('SIGKILL');
    }
  } finally {
    // Also when the service never got ready: an open NATS connection would keep the runner alive.
    await rm(dir, { recursive: true, force: true });
    await nats.cleanup();
  }
});
