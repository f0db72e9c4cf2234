import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { probePostgres } from './probe.ts';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('probePostgres', () => {
  it('answers true for a real server', async () => {
    assert.equal(await probePostgres(serverUrl), true);
  });

  it('answers false for a closed port', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    assert.equal(await probePostgres(`postgres://postgres@127.0.0.1:${port}/postgres`), false);
  });

  it('answers false within about a second when the port accepts but never speaks PostgreSQL', async () => {
    const server = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const started = Date.now();
    try {
      assert.equal(await probePostgres(`postgres://postgres@127.0.0.1:${port}/postgres`), false);
      assert.ok(Date.now() - started < 3_000);
    } finally {
      server.close();
    }
  });
});
