import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pageOf, startService, type RunningService } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/telemetry';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { rosterSyncClient } from './roster-sync-client.ts';

describe('rosterSyncClient against a paging roster-sync (NATS)', () => {
  let ctx: NatsTestContext;
  let service: RunningService;
  let version = 1;
  const group = () => `${ctx.ns}.roster-sync`;
  const broadcast = Array.from({ length: 10 }, (_, i) => `friend${i}@localhost`);
  const pending = Array.from({ length: 10 }, (_, i) => `<presence type='subscribe' from='fan${i}@localhost'/>`);

  before(async () => {
    ctx = await setupNats();
    // presence.peers as roster-sync answers it: the reply's shape per page, `next` while more are left.
    service = await startService(
      ctx.nc,
      { name: 'roster-sync-fake', version: '0.0.1', description: 'paging presence.peers', group: group() },
      {
        'presence.peers': async (payload) => {
          const { cursor } = payload as { cursor?: string };
          const entries = [...broadcast.map((jid) => ['broadcast', jid] as const), ...pending.map((stanza) => ['pending', stanza] as const)];
          const page = pageOf(entries, { version, cursor, budget: 200 });
          // The list changes once, right after the first page: the client starts again.
          if (cursor === undefined && version === 1) version = 2;
          return {
            broadcast: page.items.filter(([kind]) => kind === 'broadcast').map(([, value]) => value),
            probe: [],
            pending: page.items.filter(([kind]) => kind === 'pending').map(([, value]) => value),
            ...(page.next === undefined ? {} : { next: page.next }),
          };
        },
      },
      createLogger('test', 'silent'),
    );
  });
  after(async () => {
    await service.stop();
    await ctx.cleanup();
  });

  it('merges every page of presence.peers, reading again a list that changed between pages', async () => {
    assert.deepEqual(await rosterSyncClient(ctx.nc, ctx.ns).peers('owner@localhost'), { broadcast, probe: [], pending });
  });
});
