import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openKv, requestReply, RequestTimeoutError } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { BusOutage } from './bus-outage.ts';
import { Router } from './router.ts';
import { SessionDirectory } from './session-directory.ts';

describe('Router taking stanzas for its sessions', () => {
  let ctx: NatsTestContext;
  let router: Router;
  before(async () => {
    ctx = await setupNats();
    const logger = createLogger('router-test', 'silent');
    const names = namesFor(ctx.ns);
    const directory = new SessionDirectory(await openKv(ctx.nc, names.buckets.sessions, { history: 1 }), 'gw0', logger);
    const outage = new BusOutage(ctx.nc, { waitMs: 1_000, maxStanzas: 10, maxBytes: 1 << 20 }, logger);
    router = new Router({ nc: ctx.nc, replica: 'gw0', subjectFor: names.subjects.c2s, logger, directory, outage });
    router.start();
  });
  after(async () => {
    await router.stop();
    await ctx.cleanup();
  });

  it('a session that throws while taking a stanza leaves the replica serving the others', async () => {
    const subject = (sessionId: string) => namesFor(ctx.ns).subjects.c2s('gw0', sessionId);
    const taken: string[] = [];
    router.local.set('broken', { id: 'broken', fullJid: 'a@localhost/r', deliver: () => { throw new Error('socket gone'); }, terminate: async () => {} });
    router.local.set('fine', { id: 'fine', fullJid: 'b@localhost/r', deliver: (xml) => void taken.push(xml), terminate: async () => {} });
    await assert.rejects(requestReply(ctx.nc, subject('broken'), '<message/>', { timeoutMs: 500 }), RequestTimeoutError);
    assert.equal((await requestReply(ctx.nc, subject('fine'), '<message/>', { timeoutMs: 2_000 })).string(), 'ok');
    assert.deepEqual(taken, ['<message/>']);
  });
});
