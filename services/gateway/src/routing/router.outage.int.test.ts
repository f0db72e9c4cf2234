import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { openKv } from '@gatehouse/bus';
import { namesFor, subjectToken } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { startNatsServerOrSkip, testNamespace, type PrivateNatsServer } from '@gatehouse/testing';
import { BusOutage } from './bus-outage.ts';
import { Router } from './router.ts';
import { SessionDirectory } from './session-directory.ts';

const logger = createLogger('router-outage-test', 'silent');

describe('Router across a NATS outage', () => {
  let nats: PrivateNatsServer | undefined;
  let skip: string | undefined;
  const connections: NatsConnection[] = [];
  before(async () => {
    ({ nats, skip } = await startNatsServerOrSkip());
  });
  after(async () => {
    await Promise.all(connections.map((nc) => nc.close().catch(() => {})));
    await nats?.destroy();
  });

  /** A replica's routing: its own connection (reconnecting after `reconnectMs`), directory and router. */
  async function replica(name: string, ns: string, reconnectMs: number, waitMs: number) {
    const nc = await connect({ servers: nats!.url, maxReconnectAttempts: -1, reconnectTimeWait: reconnectMs, reconnectJitter: 0 });
    connections.push(nc);
    const names = namesFor(ns);
    const kv = await openKv(nc, names.buckets.sessions, { history: 1 });
    const directory = new SessionDirectory(kv, name, logger);
    await directory.start();
    const outage = new BusOutage(nc, { waitMs, maxStanzas: 100, maxBytes: 1 << 20 }, logger);
    const router = new Router({ nc, replica: name, subjectFor: names.subjects.c2s, logger, directory, outage });
    router.start();
    return { nc, kv, directory, router, outage };
  }

  it('a stanza sent while NATS is down reaches a replica that subscribes again only seconds after NATS is back', { timeout: 60_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const ns = testNamespace();
    const sender = await replica('gw0', ns, 100, 15_000);
    const receiver = await replica('gw1', ns, 3_000, 15_000);
    const received: string[] = [];
    receiver.router.local.set('s1', { id: 's1', fullJid: 'b@localhost/r', deliver: (xml) => received.push(xml), terminate: async () => {} });
    await receiver.directory.claim({ fullJid: 'b@localhost/r', replica: 'gw1', sessionId: 's1', priority: 0, available: true }, async () => {});
    const deadline = Date.now() + 10_000;
    while (!sender.directory.table.get('b@localhost/r')) {
      assert.ok(Date.now() < deadline, 'route mirrored');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const route = sender.directory.table.get('b@localhost/r')!;

    await nats!.stop();
    const sent = sender.router.send(route, '<message>during the outage</message>');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await nats!.restart();

    assert.equal(await sent, 'taken');
    assert.deepEqual(received, ['<message>during the outage</message>']);
    assert.ok(await receiver.kv.get(subjectToken('b@localhost/r')), 'the live session keeps its route');
    assert.equal(sender.outage.undelivered, 0);
  });

  it('an outage longer than the wait gives up at the bound, with the stanza counted', { timeout: 60_000 }, async (t) => {
    if (skip) return t.skip(skip);
    await nats!.restart();
    const ns = testNamespace();
    const sender = await replica('gw0', ns, 100, 1_000);
    const route = { fullJid: 'c@localhost/r', bareJid: 'c@localhost', resource: 'r', replica: 'gw1', sessionId: 's2', priority: 0, available: true, revision: 1 };
    await nats!.stop();
    try {
      const started = Date.now();
      assert.equal(await sender.router.send(route, '<message/>'), 'outage');
      const took = Date.now() - started;
      assert.ok(took >= 900 && took < 5_000, `gave up after ${took} ms`);
      assert.equal(sender.outage.undelivered, 1);
    } finally {
      await nats!.restart();
    }
  });
});
