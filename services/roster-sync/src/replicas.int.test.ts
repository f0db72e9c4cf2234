/**
 * Rosters and block lists loaded on demand (@gatehouse/event-store): two replicas racing on
 * the same aggregates, a change made elsewhere reaching this replica's cache, the block list
 * mirror repaired when a list is loaded, and long rosters snapshotted.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendEvent, ensureStreams, openKv, readAggregate, serviceCaller, type NatsConnection, type ServiceCaller } from '@gatehouse/bus';
import { snapshotKey } from '@gatehouse/event-store';
import { createEvent, namesFor, subjectToken } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { natsUrl, setupNats, waitFor, type NatsTestContext } from '@gatehouse/testing';
import { connect } from '@nats-io/transport-node';
import { createRosterSyncService, rosterSyncSource, type RosterSyncService } from './service.ts';

const logger = createLogger('roster-sync-test', 'silent');

describe('roster-sync: aggregates loaded on demand', { timeout: 60_000 }, () => {
  let ctx: NatsTestContext;
  let services: RosterSyncService[] = [];
  let connections: NatsConnection[] = [];
  const names = () => namesFor(ctx.ns);
  const ask: ServiceCaller<'roster-sync'> = (endpoint, payload) => serviceCaller(ctx.nc, ctx.ns, 'roster-sync', { timeoutMs: 10_000 })(endpoint, payload);
  /** A replica on a connection of its own, as a separate process would be. */
  const replica = async () => {
    const nc = await connect({ servers: natsUrl(), name: 'roster-sync-replica' });
    connections.push(nc);
    const service = createRosterSyncService({ nc, ns: ctx.ns, domain: 'localhost', logger });
    await service.start();
    services.push(service);
    return service;
  };
  /** An append made by another replica (or one that died before doing anything else). */
  const elsewhere = {
    itemSet: (owner: string, jid: string, version: number) =>
      appendEvent(ctx.nc, createEvent('gatehouse.roster.item-set.v1', { subject: names().subjects.roster(owner), source: rosterSyncSource, data: { owner, version, item: { jid, groups: [], subscription: 'none', ask: false, approved: false } } })),
    blocked: (owner: string, jids: string[]) =>
      appendEvent(ctx.nc, createEvent('gatehouse.blocklist.blocked.v1', { subject: names().subjects.blocklist(owner), source: rosterSyncSource, data: { owner, jids } })),
  };

  before(async () => {
    ctx = await setupNats();
    await ensureStreams(ctx.nc, ctx.ns);
  });
  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all(connections.map((nc) => nc.close()));
    services = [];
    connections = [];
  });
  after(() => ctx.cleanup());

  it('two replicas racing on the same rosters and block lists lose nothing and store nothing twice', async () => {
    await replica();
    await replica();
    const owner = 'race@localhost';
    const contacts = Array.from({ length: 24 }, (_, i) => `contact${i}@localhost`);
    const blocked = Array.from({ length: 12 }, (_, i) => `spam${i}.example`);
    const fans = Array.from({ length: 12 }, (_, i) => `fan${i}@localhost`);
    const requestOf = (fan: string) => `<presence xmlns='jabber:client' type='subscribe' from='${fan}' to='star@localhost'/>`;
    await Promise.all([
      ...contacts.map((jid) => ask('roster.set', { jid: owner, item: { jid, groups: [] } })),
      ...blocked.map((jid) => ask('block.add', { jid: owner, items: [jid] })),
      // Each fan's outbound side is its own roster; the inbound sides all land on star's.
      ...fans.map(async (fan) => {
        await ask('subscription.outbound', { jid: fan, contact: 'star@localhost', presence: 'subscribe' });
        await ask('subscription.inbound', { jid: 'star@localhost', contact: fan, presence: 'subscribe', request: requestOf(fan) });
      }),
    ]);

    const { events } = await readAggregate(ctx.nc, names().streams.rosters, names().subjects.roster(owner));
    assert.equal(events.length, contacts.length, 'one item-set per contact');
    assert.deepEqual(events.map((event) => (event.type === 'gatehouse.roster.item-set.v1' ? event.data.item.jid : '')).sort(), [...contacts].sort());
    assert.deepEqual(events.map((event) => (event.type === 'gatehouse.roster.item-set.v1' ? event.data.version : 0)), contacts.map((_, i) => i + 1), 'each decided on the one before');
    const roster = await ask('roster.get', { jid: owner });
    assert.equal(roster.version, contacts.length);
    assert.deepEqual(roster.items.map((item) => item.jid).sort(), [...contacts].sort());

    const blocks = await readAggregate(ctx.nc, names().streams.rosters, names().subjects.blocklist(owner));
    assert.deepEqual(blocks.events.flatMap((event) => (event.type === 'gatehouse.blocklist.blocked.v1' ? event.data.jids : [])).sort(), [...blocked].sort());
    assert.deepEqual(new Set((await ask('block.list', { jid: owner })).items), new Set(blocked));
    const kv = await openKv(ctx.nc, names().buckets.blocklists);
    await waitFor(async () => ((await kv.get(subjectToken(owner)))?.json<{ jids: string[] }>().jids.length === blocked.length ? true : undefined), 5_000);

    const star = await readAggregate(ctx.nc, names().streams.rosters, names().subjects.roster('star@localhost'));
    assert.equal(star.events.length, fans.length);
    assert.deepEqual(new Set((await ask('presence.peers', { jid: 'star@localhost' })).pending), new Set(fans.map(requestOf)));
  });

  it("a change made on another replica is seen by this one's next roster.get, presence.peers and block.list", async () => {
    await replica();
    const owner = 'viv@localhost';
    assert.deepEqual(await ask('roster.get', { jid: owner }), { version: 0, items: [] });
    assert.deepEqual(await ask('block.list', { jid: owner }), { items: [] });
    // Cached now: only following the stream can tell this replica of what follows.
    await elsewhere.itemSet(owner, 'walt@localhost', 1);
    await elsewhere.blocked(owner, ['spam.example']);
    await waitFor(async () => ((await ask('roster.get', { jid: owner })).version === 1 ? true : undefined), 2_000);
    assert.deepEqual((await ask('roster.get', { jid: owner })).items.map((item) => item.jid), ['walt@localhost']);
    await waitFor(async () => ((await ask('block.list', { jid: owner })).items.length === 1 ? true : undefined), 2_000);

    // presence.peers reads the contact's roster too: cached here, then changed elsewhere.
    await ask('subscription.outbound', { jid: 'xena@localhost', contact: 'yuri@localhost', presence: 'subscribe' });
    await ask('subscription.inbound', { jid: 'xena@localhost', contact: 'yuri@localhost', presence: 'subscribed' });
    assert.deepEqual(await ask('presence.peers', { jid: 'xena@localhost' }), { broadcast: [], probe: [], pending: [] }, "yuri's roster does not have xena yet");
    const yuri = names().subjects.roster('yuri@localhost');
    await appendEvent(
      ctx.nc,
      createEvent('gatehouse.roster.subscription-changed.v1', {
        subject: yuri,
        source: rosterSyncSource,
        data: { owner: 'yuri@localhost', version: 1, direction: 'outbound', presence: 'subscribed', item: { jid: 'xena@localhost', groups: [], subscription: 'from', ask: false, approved: false }, onRoster: true, itemChanged: true, pendingIn: false },
      }),
    );
    await waitFor(async () => ((await ask('presence.peers', { jid: 'xena@localhost' })).probe.length === 1 ? true : undefined), 2_000);
  });

  it('writes the block list mirror a replica missed, as soon as the list is loaded', async () => {
    const owner = 'zoe@localhost';
    // Appended, and the replica died before writing the mirror: nothing reconciles at start.
    await elsewhere.blocked(owner, ['troll@localhost']);
    await replica();
    const kv = await openKv(ctx.nc, names().buckets.blocklists);
    assert.equal(await kv.get(subjectToken(owner)), null);
    assert.deepEqual(await ask('block.list', { jid: owner }), { items: ['troll@localhost'] });
    assert.deepEqual((await kv.get(subjectToken(owner)))?.json<{ jids: string[] }>().jids, ['troll@localhost']);
  });

  it('snapshots a long roster, and a replica that never saw it answers from the snapshot', async () => {
    const owner = 'long@localhost';
    const contacts = Array.from({ length: 250 }, (_, i) => `c${String(i).padStart(3, '0')}@localhost`);
    for (let i = 0; i < contacts.length; i += 50) await Promise.all(contacts.slice(i, i + 50).map((jid, j) => elsewhere.itemSet(owner, jid, i + j + 1)));
    const first = await replica();
    assert.equal((await ask('roster.get', { jid: owner })).items.length, contacts.length);
    const snapshots = await openKv(ctx.nc, names().buckets.rosterSnapshots);
    const { events, lastSequence } = await readAggregate(ctx.nc, names().streams.rosters, names().subjects.roster(owner));
    const stored = (await snapshots.get(snapshotKey(names().subjects.roster(owner))))?.json<{ sequence: number; eventId: string; state: { contacts: { jid: string }[] } }>();
    assert.equal(stored?.sequence, lastSequence);
    assert.equal(stored?.eventId, events.at(-1)?.id);
    assert.equal(stored?.state.contacts.length, contacts.length);

    await first.stop();
    services = [];
    await replica();
    await elsewhere.itemSet(owner, 'late@localhost', contacts.length + 1);
    const roster = await ask('roster.get', { jid: owner });
    assert.equal(roster.items.length, contacts.length + 1, 'the snapshot and the event after it');
    assert.deepEqual(roster.items.map((item) => item.jid).sort(), [...contacts, 'late@localhost'].sort());
  });
});
