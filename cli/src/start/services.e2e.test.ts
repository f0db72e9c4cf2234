import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findOnPath, planNats, probeNats } from './nats.ts';
import { forkService, spawnNats, StartFailedError } from './services.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-start-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function script(name: string, source: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, source);
  return file;
}

describe('forkService', () => {
  it('resolves with the child’s ready message and logs its output to <name>.log', async () => {
    const entry = await script('ok.ts', "console.log('hello');\nconst port: number = 1;\nprocess.send?.({ type: 'ready', service: 'ok', ports: { http: port } });\nsetTimeout(() => {}, 60_000);\n");
    const started = forkService('ok', entry, process.env, dir, Date.now() + 15_000);
    try {
      assert.deepEqual(await started.ready, { type: 'ready', service: 'ok', ports: { http: 1 } });
    } finally {
      await started.process.stop(2_000);
    }
    assert.equal(await readFile(join(dir, 'ok.log'), 'utf8'), 'hello\n');
  });

  it('rejects with the child’s last output when it exits before ready', async () => {
    const entry = await script('crash.ts', "console.error('boom: no config');\nprocess.exit(3);\n");
    const started = forkService('crash', entry, process.env, dir, Date.now() + 15_000);
    await assert.rejects(started.ready, (error: unknown) => {
      assert.ok(error instanceof StartFailedError);
      assert.match(error.message, /crash exited \(3\) before it was ready/);
      assert.equal(error.output, 'boom: no config');
      return true;
    });
  });

  it('rejects when the deadline passes, and stop() ends the child', async () => {
    const entry = await script('slow.ts', 'setTimeout(() => {}, 60_000);\n');
    const started = forkService('slow', entry, process.env, dir, Date.now() + 1_500);
    await assert.rejects(started.ready, /did not become ready in time/);
    await started.process.stop(2_000);
    assert.equal(await started.process.exited, 'SIGTERM');
  });
});

describe('spawnNats', { skip: findOnPath('nats-server') ? false : 'nats-server is not on the PATH' }, () => {
  it('starts nats-server with JetStream on the planned port and stops it', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const plan = await planNats({ url: `nats://127.0.0.1:${port}`, dataDir: dir });
    assert.equal(plan.kind, 'spawn');
    if (plan.kind !== 'spawn') return;
    const started = spawnNats(plan, dir);
    try {
      await started.ready;
      assert.equal(await probeNats(plan.url), true);
    } finally {
      await started.process.stop(5_000);
    }
    assert.equal(await probeNats(plan.url), false);
  });
});
