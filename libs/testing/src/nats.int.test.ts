import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { cleanupNamespace, NatsServerNotFoundError, setupNats, startNatsServer, testNamespace } from './index.ts';

describe('testNamespace', () => {
  it('is a fresh, valid GATEHOUSE_NAMESPACE each time', () => {
    const a = testNamespace();
    assert.match(a, /^[a-z][a-z0-9_]{0,30}$/);
    assert.notEqual(a, testNamespace());
  });
});

describe('cleanupNamespace', () => {
  it("deletes the namespace's streams and buckets and nothing else", async () => {
    const { nc, ns, cleanup } = await setupNats();
    const other = await setupNats();
    try {
      const jsm = await jetstreamManager(nc);
      const NS = ns.toUpperCase();
      await jsm.streams.add({ name: `${NS}_ACCOUNTS`, subjects: [`${ns}.account.>`] });
      await jsm.streams.add({ name: `KV_${ns}_sessions`, subjects: [`$KV.${ns}_sessions.>`] });
      await jsm.streams.add({ name: `${other.ns.toUpperCase()}_ACCOUNTS`, subjects: [`${other.ns}.account.>`] });
      await cleanupNamespace(nc, ns);
      const left: string[] = [];
      for await (const name of jsm.streams.names()) left.push(name);
      assert.ok(!left.includes(`${NS}_ACCOUNTS`));
      assert.ok(!left.includes(`KV_${ns}_sessions`));
      assert.ok(left.includes(`${other.ns.toUpperCase()}_ACCOUNTS`));
    } finally {
      await cleanup();
      await other.cleanup();
    }
  });
});

describe('startNatsServer', () => {
  it('runs a private JetStream server that keeps its data across restart', async (t) => {
    let server;
    try {
      server = await startNatsServer();
    } catch (error) {
      if (error instanceof NatsServerNotFoundError) return t.skip(error.message);
      throw error;
    }
    try {
      let nc = await connect({ servers: server.url });
      await (await jetstreamManager(nc)).streams.add({ name: 'PRIVATE', subjects: ['private.>'] });
      await jetstream(nc).publish('private.a', 'kept');
      await nc.close();
      await server.restart();
      nc = await connect({ servers: server.url });
      const message = await (await jetstreamManager(nc)).streams.getMessage('PRIVATE', { seq: 1 });
      assert.equal(message?.string(), 'kept');
      await nc.close();
      await server.stop();
      await assert.rejects(connect({ servers: server.url, reconnect: false }));
    } finally {
      await server.destroy();
    }
  });
});
