/**
 * A replica starts without reading the rosters stream, whatever it holds. The bound is
 * generous, a sanity check only: the start time as history grows is measured by the bench.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendEvent, ensureStreams, serviceCaller } from '@gatehouse/bus';
import { createEvent, namesFor } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { createRosterSyncService, rosterSyncSource, type RosterSyncService } from './service.ts';

const logger = createLogger('roster-sync-test', 'silent');
const ACCOUNTS = 3_000;

describe('roster-sync start with a long history', { timeout: 120_000 }, () => {
  let ctx: NatsTestContext;
  let service: RosterSyncService | undefined;

  before(async () => {
    ctx = await setupNats();
    await ensureStreams(ctx.nc, ctx.ns);
    const names = namesFor(ctx.ns);
    const owners = Array.from({ length: ACCOUNTS }, (_, i) => `user${i}@localhost`);
    for (let i = 0; i < owners.length; i += 250) {
      await Promise.all(
        owners.slice(i, i + 250).flatMap((owner, j) => [
          appendEvent(
            ctx.nc,
            createEvent('gatehouse.roster.item-set.v1', {
              subject: names.subjects.roster(owner),
              source: rosterSyncSource,
              data: { owner, version: 1, item: { jid: `friend${i + j}@localhost`, groups: ['Friends'], subscription: 'none', ask: false, approved: false } },
            }),
          ),
          appendEvent(ctx.nc, createEvent('gatehouse.blocklist.blocked.v1', { subject: names.subjects.blocklist(owner), source: rosterSyncSource, data: { owner, jids: ['spam.example'] } })),
        ]),
      );
    }
  });
  after(async () => {
    await service?.stop();
    await ctx.cleanup();
  });

  it(`is ready in well under 5 s over ${ACCOUNTS} rosters and block lists, and answers for one it never loaded`, async () => {
    const started = performance.now();
    service = createRosterSyncService({ nc: ctx.nc, ns: ctx.ns, domain: 'localhost', logger });
    await service.start();
    const ms = performance.now() - started;
    assert.ok(ms < 5_000, `ready after ${Math.round(ms)} ms`);

    const ask = serviceCaller(ctx.nc, ctx.ns, 'roster-sync');
    assert.deepEqual(await ask('roster.get', { jid: 'user2345@localhost' }), {
      version: 1,
      items: [{ jid: 'friend2345@localhost', groups: ['Friends'], subscription: 'none', ask: false, approved: false }],
    });
    assert.deepEqual(await ask('block.list', { jid: 'user2345@localhost' }), { items: ['spam.example'] });
  });
});
