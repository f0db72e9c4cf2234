/** The service on a real NATS server, through its endpoints, as the gateway uses it. */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendEvent, catalogEndpoints, ensureStreams, openKv, readAggregate, request, serviceCaller, ServiceError, startService, type RunningService, type ServiceCaller } from '@gatehouse/bus';
import { createEvent, namesFor, subjectToken } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { setupNats, startRosterWebApp, waitFor, type NatsTestContext, type RosterWebApp } from '@gatehouse/testing';
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { LEGACY_LAST_ACTIVITY_CONSUMER } from './activity/last-activity.ts';
import { httpRosterSource } from './external/http-roster-source.ts';
import { createRosterSyncService, type RosterSyncService } from './service.ts';
import type { SubscriptionPresence } from './roster/subscription-states.ts';

const logger = createLogger('roster-sync-test', 'silent');

/** The bound this file always waited with (the shared default is 10 s). */
const WAIT_MS = 5_000;

describe('roster-sync service', () => {
  let ctx: NatsTestContext;
  let services: RosterSyncService[] = [];
  const ask: ServiceCaller<'roster-sync'> = (endpoint, payload) => serviceCaller(ctx.nc, ctx.ns, 'roster-sync')(endpoint, payload);
  const start = async (extra: Partial<Parameters<typeof createRosterSyncService>[0]> = {}) => {
    const service = createRosterSyncService({ nc: ctx.nc, ns: ctx.ns, domain: 'localhost', logger, offlineMaxMessages: 3, ...extra });
    await service.start();
    services.push(service);
    return service;
  };
  const items = async (jid: string) => (await ask('roster.get', { jid }));
  /**
   * Stands in for the projections service's `activity.last`, whose answer (read from the
   * client listing) has its own tests there and end to end in the gateway's.
   */
  const listedActivity = new Map<string, { lastLogout: string; status?: string }>();
  let projections: RunningService | undefined;
  const lastActivityBucket = async () => openKv(ctx.nc, namesFor(ctx.ns).buckets.lastActivity, { history: 1 });

  before(async () => {
    ctx = await setupNats();
    await ensureStreams(ctx.nc, ctx.ns);
    projections = await startService(
      ctx.nc,
      { name: 'projections', version: '0.0.0', description: 'stand-in', group: namesFor(ctx.ns).services.projections },
      catalogEndpoints('projections', { 'activity.last': async ({ jid }) => listedActivity.get(jid) ?? {} }),
      logger,
    );
  });
  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop()));
    services = [];
  });
  after(async () => {
    await projections?.stop();
    await ctx.cleanup();
  });

  it('runs the whole subscription handshake (RFC 6121 §3.1) on both rosters', async () => {
    await start();
    const subscribe = "<presence xmlns='jabber:client' type='subscribe' from='alice@localhost' to='bob@localhost'><status>hi</status></presence>";
    assert.deepEqual(await ask('subscription.outbound', { jid: 'alice@localhost', contact: 'bob@localhost', presence: 'subscribe' }), { route: true });
    assert.deepEqual(await ask('subscription.inbound', { jid: 'bob@localhost', contact: 'alice@localhost', presence: 'subscribe', request: subscribe }), { deliver: true });
    assert.deepEqual(await items('alice@localhost'), { version: 1, items: [{ jid: 'bob@localhost', groups: [], subscription: 'none', ask: true, approved: false }] });
    assert.deepEqual(await items('bob@localhost'), { version: 0, items: [] }, 'a request alone is not on the roster');
    assert.deepEqual(await ask('presence.peers', { jid: 'bob@localhost' }), { broadcast: [], probe: [], pending: [subscribe] });

    assert.deepEqual(await ask('subscription.outbound', { jid: 'bob@localhost', contact: 'alice@localhost', presence: 'subscribed' }), { route: true, presence: 'available' });
    assert.deepEqual(await ask('subscription.inbound', { jid: 'alice@localhost', contact: 'bob@localhost', presence: 'subscribed' }), { deliver: true });
    assert.equal((await items('alice@localhost')).items[0]?.subscription, 'to');
    assert.equal((await items('bob@localhost')).items[0]?.subscription, 'from');
    assert.deepEqual(await ask('presence.peers', { jid: 'alice@localhost' }), { broadcast: [], probe: ['bob@localhost'], pending: [] });
    assert.deepEqual(await ask('presence.peers', { jid: 'bob@localhost' }), { broadcast: ['alice@localhost'], probe: [], pending: [] });

    // §3.2: bob cancels alice's subscription: his presence goes unavailable for her first.
    assert.deepEqual(await ask('subscription.outbound', { jid: 'bob@localhost', contact: 'alice@localhost', presence: 'unsubscribed' }), { route: true, presence: 'unavailable' });
    assert.deepEqual(await ask('subscription.inbound', { jid: 'alice@localhost', contact: 'bob@localhost', presence: 'unsubscribed' }), { deliver: true });
    assert.equal((await items('alice@localhost')).items[0]?.subscription, 'none');

    const { events } = await readAggregate(ctx.nc, namesFor(ctx.ns).streams.rosters, namesFor(ctx.ns).subjects.roster('alice@localhost'));
    assert.deepEqual(events.map((event) => event.type), Array(3).fill('gatehouse.roster.subscription-changed.v1'));
  });

  it('answers a pre-approved request itself (§3.4) and reports what removing a contact must send (§2.5.2)', async () => {
    await start();
    assert.deepEqual(await ask('subscription.outbound', { jid: 'dave@localhost', contact: 'carol@localhost', presence: 'subscribed' }), { route: false });
    assert.equal((await items('dave@localhost')).items[0]?.approved, true);
    assert.deepEqual(await ask('subscription.inbound', { jid: 'dave@localhost', contact: 'carol@localhost', presence: 'subscribe' }), {
      deliver: false,
      autoReply: 'subscribed',
      presence: 'available',
    });
    assert.deepEqual(await ask('roster.remove', { jid: 'dave@localhost', contact: 'carol@localhost' }), { unsubscribe: false, unsubscribed: true, presence: 'unavailable' });
    await assert.rejects(ask('roster.remove', { jid: 'dave@localhost', contact: 'carol@localhost' }), (error: ServiceError) => error.code === 'item-not-found');
  });

  it('versions the roster and refuses what RFC 6121 §2.3.3 refuses', async () => {
    await start();
    await ask('roster.set', { jid: 'erin@localhost', item: { jid: 'Frank@Localhost', name: 'Frank', groups: ['Friends'] } });
    await ask('roster.set', { jid: 'erin@localhost', item: { jid: 'frank@localhost', name: 'Frank', groups: ['Friends'] } });
    assert.deepEqual(await items('erin@localhost'), { version: 1, items: [{ jid: 'frank@localhost', name: 'Frank', groups: ['Friends'], subscription: 'none', ask: false, approved: false }] });
    await assert.rejects(ask('roster.set', { jid: 'erin@localhost', item: { jid: 'erin@localhost', groups: [] } }), (error: ServiceError) => error.code === 'not-allowed');
    await assert.rejects(ask('roster.set', { jid: 'erin@localhost', item: { jid: 'a@b', groups: ['x', 'x'] } }), (error: ServiceError) => error.code === 'bad-request');
    await assert.rejects(ask('roster.set', { jid: 'erin@other.example', item: { jid: 'a@b', groups: [] } }), (error: ServiceError) => error.code === 'bad-request');
    await assert.rejects(ask('block.add', { jid: 'erin@localhost', items: ['a@b', 'a@@b'] }), (error: ServiceError) => error.code === 'bad-request' && error.message === 'items.1: not a JID');
    await assert.rejects(ask('activity.last', { jid: 'erin@localhost/desk', requester: 'a@b' }), (error: ServiceError) => error.code === 'bad-request' && error.message === 'jid: a bare JID (local@domain)');
    await assert.rejects(request(ctx.nc, `${namesFor(ctx.ns).services.rosterSync}.roster.get`, { jid: 7 }), (error: ServiceError) => error.code === 'bad-request' && /^jid: /.test(error.message));
  });

  it('stays consistent when two replicas write one roster at once', async () => {
    await start();
    await start();
    const contacts = Array.from({ length: 12 }, (_, i) => `c${i}@localhost`);
    await Promise.all(contacts.map((jid) => ask('roster.set', { jid: 'gina@localhost', item: { jid, groups: [] } })));
    await waitFor(async () => ((await items('gina@localhost')).items.length === 12 ? true : undefined), WAIT_MS);
    const { version } = await items('gina@localhost');
    assert.equal(version, 12);
  });

  it('mirrors block lists into the KV bucket the gateways watch, and hides blocked peers', async () => {
    await start();
    await ask('subscription.outbound', { jid: 'hank@localhost', contact: 'ivy@localhost', presence: 'subscribed' });
    await ask('subscription.inbound', { jid: 'hank@localhost', contact: 'ivy@localhost', presence: 'subscribe' });
    assert.deepEqual((await ask('presence.peers', { jid: 'hank@localhost' })).broadcast, ['ivy@localhost']);
    assert.deepEqual(await ask('block.add', { jid: 'hank@localhost', items: ['ivy@localhost', 'spam.example'] }), { added: ['ivy@localhost', 'spam.example'] });
    assert.deepEqual(await ask('block.add', { jid: 'hank@localhost', items: ['ivy@localhost'] }), { added: [] });
    const kv = await openKv(ctx.nc, namesFor(ctx.ns).buckets.blocklists);
    assert.deepEqual((await kv.get(subjectToken('hank@localhost')))?.json<{ jids: string[] }>().jids, ['ivy@localhost', 'spam.example']);
    assert.deepEqual((await ask('presence.peers', { jid: 'hank@localhost' })).broadcast, []);
    assert.deepEqual(await ask('block.remove', { jid: 'hank@localhost', items: [] }), { removed: ['ivy@localhost', 'spam.example'] });
    assert.equal((await kv.get(subjectToken('hank@localhost')))?.operation, 'DEL');
    assert.deepEqual(await ask('block.list', { jid: 'hank@localhost' }), { items: [] });
  });

  it('keeps offline messages through a restart, hands them out oldest first, and drops them once acknowledged', async () => {
    const first = await start();
    for (const body of ['one', 'two', 'three']) await ask('offline.store', { jid: 'jay@localhost', stanza: `<message><body>${body}</body></message>` });
    await assert.rejects(ask('offline.store', { jid: 'jay@localhost', stanza: '<message/>' }), (error: ServiceError) => error.code === 'resource-constraint');
    await first.stop();
    services = [];
    await start();
    const { items: messages } = await ask('offline.fetch', { jid: 'jay@localhost' });
    assert.deepEqual(messages.map((m) => m.stanza), ['one', 'two', 'three'].map((body) => `<message><body>${body}</body></message>`));
    await ask('offline.ack', { jid: 'jay@localhost', seq: messages[1]!.seq });
    const rest = await ask('offline.fetch', { jid: 'jay@localhost' });
    assert.deepEqual(rest.items.map((m) => m.stanza), ['<message><body>three</body></message>']);
  });

  it('tells the owner and subscribers when the last session ended (XEP-0012), the later of the listing and the bucket kept from before v2', async () => {
    await start();
    listedActivity.set('kim@localhost', { lastLogout: '2025-03-01T10:00:00.000Z', status: 'off to bed' });
    assert.deepEqual(await ask('activity.last', { jid: 'kim@localhost', requester: 'kim@localhost' }), { lastLogout: '2025-03-01T10:00:00.000Z', status: 'off to bed' });
    await assert.rejects(ask('activity.last', { jid: 'kim@localhost', requester: 'lee@localhost' }), (error: ServiceError) => error.code === 'forbidden');

    const bucket = await lastActivityBucket();
    await bucket.put(subjectToken('kim@localhost'), JSON.stringify({ at: '2025-02-01T10:00:00.000Z', status: 'older' }));
    assert.equal((await ask('activity.last', { jid: 'kim@localhost', requester: 'kim@localhost' })).status, 'off to bed', 'the listing is later');
    await bucket.put(subjectToken('lou@localhost'), JSON.stringify({ at: '2025-02-01T10:00:00.000Z', status: 'before the upgrade' }));
    assert.deepEqual(await ask('activity.last', { jid: 'lou@localhost', requester: 'lou@localhost' }), { lastLogout: '2025-02-01T10:00:00.000Z', status: 'before the upgrade' });
    assert.deepEqual(await ask('activity.last', { jid: 'max@localhost', requester: 'max@localhost' }), {});
  });

  it('removes the durable consumer that fed last activity before v2', async () => {
    const jsm = await jetstreamManager(ctx.nc);
    const sessions = namesFor(ctx.ns).streams.sessions;
    await jsm.consumers.add(sessions, { durable_name: LEGACY_LAST_ACTIVITY_CONSUMER, ack_policy: AckPolicy.Explicit });
    await start();
    await assert.rejects(jsm.consumers.info(sessions, LEGACY_LAST_ACTIVITY_CONSUMER), /consumer not found/);
  });

  it("clears a deleted account's roster, block list, offline messages and last activity, and ends its contacts' subscriptions", async () => {
    await start();
    const names = namesFor(ctx.ns);
    const inbound = (jid: string, contact: string, presence: SubscriptionPresence) => ask('subscription.inbound', { jid, contact, presence });
    const outbound = (jid: string, contact: string, presence: SubscriptionPresence) => ask('subscription.outbound', { jid, contact, presence });
    // mia ⇄ ned both ways; mia asked olga; pat asked mia.
    for (const [from, to] of [['mia@localhost', 'ned@localhost'], ['ned@localhost', 'mia@localhost']]) {
      await outbound(from!, to!, 'subscribe');
      await inbound(to!, from!, 'subscribe');
      await outbound(to!, from!, 'subscribed');
      await inbound(from!, to!, 'subscribed');
    }
    await outbound('mia@localhost', 'olga@localhost', 'subscribe');
    await inbound('olga@localhost', 'mia@localhost', 'subscribe');
    await outbound('pat@localhost', 'mia@localhost', 'subscribe');
    await inbound('mia@localhost', 'pat@localhost', 'subscribe');
    await ask('block.add', { jid: 'mia@localhost', items: ['spam.example'] });
    await ask('offline.store', { jid: 'mia@localhost', stanza: '<message><body>kept for mia</body></message>' });
    const at = (seconds: number) => new Date(Date.now() + seconds * 1_000).toISOString();
    // Kept from before v2; what the listing knew goes with the account's client rows there.
    await (await lastActivityBucket()).put(subjectToken('mia@localhost'), JSON.stringify({ at: at(-1) }));
    assert.ok((await ask('activity.last', { jid: 'mia@localhost', requester: 'mia@localhost' })).lastLogout);
    assert.equal((await items('mia@localhost')).items.length, 2);

    const deleted = (time: string) => createEvent('gatehouse.account.deleted.v1', { subject: names.subjects.account('mia@localhost'), source: 'test', time, data: { jid: 'mia@localhost' } });
    await appendEvent(ctx.nc, deleted(at(0)));
    await waitFor(async () => ((await items('mia@localhost')).items.length === 0 ? true : undefined), WAIT_MS);
    // Each contact heard unsubscribe and unsubscribed: no subscription, no request left either way.
    assert.deepEqual((await items('ned@localhost')).items, [{ jid: 'mia@localhost', groups: [], subscription: 'none', ask: false, approved: false }]);
    assert.deepEqual(await ask('presence.peers', { jid: 'olga@localhost' }), { broadcast: [], probe: [], pending: [] });
    assert.deepEqual((await items('pat@localhost')).items, [{ jid: 'mia@localhost', groups: [], subscription: 'none', ask: false, approved: false }]);
    assert.deepEqual(await ask('presence.peers', { jid: 'mia@localhost' }), { broadcast: [], probe: [], pending: [] });
    await waitFor(async () => ((await ask('block.list', { jid: 'mia@localhost' })).items.length === 0 ? true : undefined), WAIT_MS);
    await waitFor(async () => ((await ask('offline.fetch', { jid: 'mia@localhost' })).items.length === 0 ? true : undefined), WAIT_MS);
    await waitFor(async () => ((await ask('activity.last', { jid: 'mia@localhost', requester: 'mia@localhost' })).lastLogout === undefined ? true : undefined), WAIT_MS);
    const { events } = await readAggregate(ctx.nc, names.streams.rosters, names.subjects.roster('mia@localhost'));
    assert.equal(events.at(-1)?.type, 'gatehouse.roster.cleared.v1');

    // A new account of that name adds a contact; a late copy of the old deletion leaves it alone.
    await ask('roster.set', { jid: 'mia@localhost', item: { jid: 'quinn@localhost', groups: [] } });
    await appendEvent(ctx.nc, deleted(at(-10)));
    await appendEvent(ctx.nc, deleted(at(-10)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual((await items('mia@localhost')).items.map((item) => item.jid), ['quinn@localhost']);
  });

  describe('external roster mode', () => {
    let app: RosterWebApp;
    before(async () => {
      app = await startRosterWebApp({ slowMs: 2_000 });
    });
    after(() => app.stop());

    it('serves the web app roster, refreshes differences, keeps the last good one when the app fails', async () => {
      await start({ external: httpRosterSource({ urlTemplate: app.urlTemplate, timeoutMs: 300, maxBytes: 65_536, domain: 'localhost' }) });
      app.behave('ok');
      app.setRoster('john', { 'marie@localhost': { name: 'Marie' } });
      assert.deepEqual((await items('john@localhost')).items, [{ jid: 'marie@localhost', name: 'Marie', groups: [], subscription: 'both', ask: false, approved: false }]);
      app.setRoster('john', { 'aaron@localhost': { groups: ['Work'] } });
      assert.deepEqual(await ask('external.refresh', { jid: 'john@localhost' }), {
        set: [{ jid: 'aaron@localhost', groups: ['Work'], subscription: 'both', ask: false, approved: false }],
        removed: ['marie@localhost'],
      });
      for (const behaviour of ['slow', 'garbage', 'error'] as const) {
        app.behave(behaviour);
        await assert.rejects(ask('external.refresh', { jid: 'john@localhost' }), (error: ServiceError) => error.code === 'roster-fetch-failed', behaviour);
        assert.deepEqual((await ask('roster.get', { jid: 'john@localhost', refresh: true })).items.map((i) => i.jid), ['aaron@localhost']);
      }
      await assert.rejects(ask('roster.get', { jid: 'never@localhost' }), (error: ServiceError) => error.code === 'roster-fetch-failed');
      await assert.rejects(ask('roster.set', { jid: 'john@localhost', item: { jid: 'x@localhost', groups: [] } }), (error: ServiceError) => error.code === 'not-allowed');
      await assert.rejects(ask('subscription.outbound', { jid: 'john@localhost', contact: 'x@localhost', presence: 'subscribe' }), (error: ServiceError) => error.code === 'not-allowed');
    });
  });
});
