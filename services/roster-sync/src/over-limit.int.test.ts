/**
 * Rosters stored over the limits by an older version (docs/rosters.md, Limits): deleting the
 * account and asking for presence peers must not build a message over NATS max_payload.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendEvent, callPages, ensureStreams, readAggregate, serviceCaller, type ServiceCaller } from '@gatehouse/bus';
import { createEvent, namesFor, type EventDataMap, type EventType } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { setupNats, waitFor, type NatsTestContext } from '@gatehouse/testing';
import { createRosterSyncService, type RosterSyncService } from './service.ts';
import type { PresencePeers } from './presence-peers.ts';

const logger = createLogger('roster-sync-test', 'silent');


describe('roster-sync with rosters stored over max_payload', { timeout: 90_000 }, () => {
  let ctx: NatsTestContext;
  let service: RosterSyncService | undefined;
  const names = () => namesFor(ctx.ns);
  const ask: ServiceCaller<'roster-sync'> = (endpoint, payload) => serviceCaller(ctx.nc, ctx.ns, 'roster-sync', { timeoutMs: 10_000 })(endpoint, payload);
  /** Appends straight to the owner's roster subject, as older code without the limits did. */
  const store = async <T extends EventType>(owner: string, type: T, data: EventDataMap[T][]) => {
    for (let i = 0; i < data.length; i += 50) {
      await Promise.all(data.slice(i, i + 50).map((d) => appendEvent(ctx.nc, createEvent(type, { subject: names().subjects.roster(owner), source: 'test', data: d }))));
    }
  };

  before(async () => {
    ctx = await setupNats();
    await ensureStreams(ctx.nc, ctx.ns);
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });
  after(() => ctx.cleanup());

  it('clears the roster of a deleted account in several events, each under max_payload', async () => {
    const owner = 'hoarder@localhost';
    // 1,400 contacts of ~815 bytes: ~1.1 MiB of JIDs, more than one cleared event can carry.
    const jids = Array.from({ length: 1_400 }, (_, i) => `${String(i).padStart(4, '0')}${'c'.repeat(800)}@example.org`);
    await store(
      owner,
      'gatehouse.roster.item-set.v1',
      jids.map((jid) => ({ owner, version: 1, item: { jid, groups: [], subscription: 'none' as const, ask: false, approved: false } })),
    );
    service = createRosterSyncService({ nc: ctx.nc, ns: ctx.ns, domain: 'localhost', logger });
    await service.start();

    const deletedAt = new Date(Date.now() + 1_000).toISOString();
    await appendEvent(ctx.nc, createEvent('gatehouse.account.deleted.v1', { subject: names().subjects.account(owner), source: 'test', time: deletedAt, data: { jid: owner } }));
    await waitFor(async () => ((await ask('roster.get', { jid: owner })).items.length === 0 ? true : undefined), 20_000);

    const { events } = await readAggregate(ctx.nc, names().streams.rosters, names().subjects.roster(owner));
    const cleared = events.filter((event) => event.type === 'gatehouse.roster.cleared.v1');
    assert.ok(cleared.length >= 2, `${cleared.length} cleared events`);
    const removed = cleared.flatMap((event) => event.data.removed);
    assert.equal(removed.length, jids.length);
    assert.deepEqual(new Set(removed), new Set(jids));
    assert.deepEqual(
      cleared.map((event) => event.data.more ?? false),
      [...Array(cleared.length - 1).fill(true), false],
    );
    assert.equal((await ask('roster.get', { jid: owner })).version, 1 + jids.length);
  });

  it('answers presence.peers in pages when the pending requests outgrow one message', async () => {
    const owner = 'popular@localhost';
    // 70 pending requests of 16 KiB (the most an event carries): ~1.1 MiB.
    const requests = Array.from({ length: 70 }, (_, i) => `<presence xmlns='jabber:client' type='subscribe' from='fan${i}@localhost'><status>${'s'.repeat(16_200)}</status></presence>`);
    await store(
      owner,
      'gatehouse.roster.subscription-changed.v1',
      requests.map((stanza, i) => ({
        owner,
        version: 0,
        direction: 'inbound' as const,
        presence: 'subscribe' as const,
        item: { jid: `fan${i}@localhost`, groups: [], subscription: 'none' as const, ask: false, approved: false },
        onRoster: false,
        itemChanged: false,
        pendingIn: true,
        request: stanza,
      })),
    );
    service = createRosterSyncService({ nc: ctx.nc, ns: ctx.ns, domain: 'localhost', logger });
    await service.start();

    const pages: (PresencePeers & { next?: string })[] = [];
    for await (const page of callPages(ctx.nc, ctx.ns, 'roster-sync.presence.peers', { jid: owner }, { timeoutMs: 10_000 })) pages.push(page);
    assert.ok(pages.length >= 2, `${pages.length} pages`);
    assert.deepEqual(new Set(pages.flatMap((page) => page.pending)), new Set(requests));
    assert.equal(pages.flatMap((page) => page.pending).length, requests.length);
  });
});
