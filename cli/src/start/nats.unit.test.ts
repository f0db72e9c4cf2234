import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, NatsUnavailableError, planNats } from './nats.ts';

const answering = (answer: boolean) => async () => answer;

describe('planNats', () => {
  it('uses a server that answers', async () => {
    const plan = await planNats({ url: 'nats://127.0.0.1:4222', dataDir: '/d', probe: answering(true), findBinary: () => '/usr/sbin/nats-server' });
    assert.deepEqual(plan, { kind: 'running', url: 'nats://127.0.0.1:4222' });
  });

  it('starts the installed nats-server on the URL’s port with JetStream under <dataDir>/nats', async () => {
    const plan = await planNats({ url: 'nats://localhost:14222', dataDir: '/d', probe: answering(false), findBinary: () => '/usr/sbin/nats-server' });
    assert.deepEqual(plan, {
      kind: 'spawn',
      url: 'nats://localhost:14222',
      binary: '/usr/sbin/nats-server',
      storeDir: '/d/nats',
      args: ['-a', '127.0.0.1', '-p', '14222', '-js', '-sd', '/d/nats'],
    });
  });

  it('says what to do when nothing answers and nats-server is missing', async () => {
    await assert.rejects(planNats({ url: 'nats://127.0.0.1:4222', dataDir: '/d', probe: answering(false), findBinary: () => undefined }), (error: unknown) => {
      assert.ok(error instanceof NatsUnavailableError);
      assert.match(error.message, /nats:\/\/127\.0\.0\.1:4222/);
      assert.match(error.message, /install nats-server/);
      assert.match(error.message, /set NATS_URL/);
      assert.match(error.message, /docker compose up/);
      return true;
    });
  });

  it('never starts a server for a remote URL', async () => {
    await assert.rejects(
      planNats({ url: 'nats://nats.example.net:4222', dataDir: '/d', probe: answering(false), findBinary: () => '/usr/sbin/nats-server' }),
      NatsUnavailableError,
    );
  });
});

describe('findOnPath', () => {
  it('finds an executable in a PATH directory and skips plain files', async () => {
    const [first, second] = [await mkdtemp(join(tmpdir(), 'gh-path-')), await mkdtemp(join(tmpdir(), 'gh-path-'))];
    try {
      await writeFile(join(first, 'nats-server'), 'not executable');
      await writeFile(join(second, 'nats-server'), '#!/bin/sh\n');
      await chmod(join(second, 'nats-server'), 0o755);
      assert.equal(findOnPath('nats-server', `${first}:${second}`), join(second, 'nats-server'));
      assert.equal(findOnPath('nats-server', first), undefined);
    } finally {
      await rm(first, { recursive: true, force: true });
      await rm(second, { recursive: true, force: true });
    }
  });
});
