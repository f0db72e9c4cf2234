import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readAggregate, request, ServiceError, type NatsConnection } from '@gatehouse/bus';
import { isClientEvent, isControlEvent, namesFor, type ClientEvent } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { jetstreamManager } from '@nats-io/jetstream';
import { createClientRegistryService, type ClientRegistryService } from './service.ts';
import { testGateway } from './test-gateway.ts';
import { startRegistryStack } from './test-stack.ts';

const logger = createLogger('client-registry-test', process.env.LOG_LEVEL ?? 'silent');
const alice = 'alice@localhost';

describe('client registry on NATS, with the token and projections services', { timeout: 120_000 }, () => {
  let stack: Awaited<ReturnType<typeof startRegistryStack>>;
  let nc: NatsConnection;
  let ns: string;
  let registry: ClientRegistryService;
  let gateway: ReturnType<typeof testGateway>;

  const names = () => namesFor(ns);
  const start = async () => {
    registry = createClientRegistryService({ nc, ns, domain: 'localhost', logger, retryDelayMs: 100 });
    await registry.start();
  };
  const settle = async () => assert.ok(await registry.settled(10_000), 'the registry handled every event');
  const eventsOf = async (clientId: string): Promise<ClientEvent[]> =>
    (await readAggregate(nc, names().streams.clients, names().subjects.client(alice, clientId))).events.filter(isClientEvent);
  const typesOf = async (clientId: string) => (await eventsOf(clientId)).map((event) => event.type.replace(/^gatehouse\.client\.|\.v1$/g, ''));
  const accessCuts = async (jid = alice) =>
    (await readAggregate(nc, names().streams.control, names().subjects.control(jid))).events.filter(isControlEvent).map((event) => ({ id: event.id, ...event.data }));
  const revoke = (id: string, jid = alice) => request(nc, `${names().services.clientRegistry}.client.revoke`, { jid, id });
  const code = (expected: string) => (error: unknown) => error instanceof ServiceError && error.code === expected;
  const fastLogin = (clientId: string, fastToken: string) =>
    gateway.token('fast.verify', {
      jid: alice,
      clientId,
      mechanism: 'HT-SHA-256-NONE',
      initiatorProof: createHmac('sha256', Buffer.from(fastToken, 'utf8')).update('Initiator').digest('base64'),
    });

  before(async () => {
    stack = await startRegistryStack(logger);
    ({ nc, ns } = stack);
    await start();
    gateway = testGateway(nc, ns);
    await gateway.token('account.create', { jid: alice, password: 'wonderland' });
  });
  after(async () => {
    await registry?.stop();
    await stack?.stop();
  });

  it('builds a SASL2 client from its first login, grant and token, user agent as first seen; a second login appends nothing', async () => {
    const first = await gateway.login({ jid: alice, clientId: 'phone', userAgent: { software: 'Conversations', device: 'Pixel' } }, { bind: 'phone.abc', requestToken: true });
    await settle();
    assert.deepEqual((await typesOf('phone')).sort(), ['fast-token-issued', 'granted', 'seen']);
    const seen = (await eventsOf('phone')).find((event) => event.type === 'gatehouse.client.seen.v1');
    assert.deepEqual(seen?.type === 'gatehouse.client.seen.v1' && [seen.data.change, seen.data.userAgent], ['first-seen', { software: 'Conversations', device: 'Pixel' }]);
    const before = (await eventsOf('phone')).length;
    await gateway.close(first);
    await gateway.login({ jid: alice, clientId: 'phone', userAgent: { software: 'Conversations', device: 'Pixel' } }, { bind: 'phone.abc' });
    await settle();
    assert.equal((await eventsOf('phone')).length, before, "a known client's routine login and end change nothing the client stream holds");
  });

  it('revokes a FAST client everywhere: grant and tokens gone, sessions named, the old token refused', async () => {
    const session = await gateway.login({ jid: alice, clientId: 'tablet', method: 'fast' }, { bind: 'tablet.1' });
    const { fastToken } = await gateway.login({ jid: alice, clientId: 'tablet', method: 'fast' }, { requestToken: true });
    await settle();
    assert.deepEqual(await revoke('client/tablet'), {});
    const revoked = (await eventsOf('tablet')).find((event) => event.type === 'gatehouse.client.revoked.v1');
    assert.deepEqual(revoked?.data.fullJids, [session.fullJid]);
    assert.equal(revoked?.data.reason, 'revoked-by-user');
    const { grants } = await gateway.token('grant.list', { jid: alice });
    assert.ok(!grants.some((grant) => grant.clientId === 'tablet'));
    // The notice comes last: by the time it is stored, the grant revocation is (the control stream is written after the tokens stream).
    const cuts = (await accessCuts()).filter((cut) => cut.clientId === 'tablet');
    assert.deepEqual(cuts, [
      { id: `access-cut:${revoked!.id}`, jid: alice, reason: 'client-revoked', clientId: 'tablet', fullJids: [session.fullJid], cause: { type: 'gatehouse.client.revoked.v1', id: revoked!.id } },
    ]);
    await assert.rejects(fastLogin('tablet', fastToken!), code('credentials-expired'));
    await assert.rejects(revoke('client/tablet'), code('item-not-found'), 'nothing left to revoke');
    assert.equal((await accessCuts()).filter((cut) => cut.clientId === 'tablet').length, 1, 'the notice published again is stored once');
  });

  it('appends client.seen change=returned when a revoked client logs in again', async () => {
    const again = await gateway.login({ jid: alice, clientId: 'tablet', method: 'fast' }, { bind: 'tablet.2' });
    await settle();
    const seen = (await eventsOf('tablet')).filter((event) => event.type === 'gatehouse.client.seen.v1');
    assert.deepEqual(seen.map((event) => event.type === 'gatehouse.client.seen.v1' && event.data.change), ['first-seen', 'returned']);
    await gateway.close(again);
  });

  it('cuts off a password client, then answers password-reset-required', async () => {
    const { fastToken } = await gateway.login({ jid: alice, clientId: 'laptop' }, { bind: 'laptop.1', requestToken: true });
    await settle();
    await assert.rejects(revoke('client/laptop'), code('password-reset-required'));
    assert.ok((await typesOf('laptop')).includes('revoked'));
    await assert.rejects(fastLogin('laptop', fastToken!), code('credentials-expired'));
  });

  it('names a legacy client by 12 random characters, the same for the same resource', async () => {
    const first = await gateway.login({ jid: alice, mechanism: 'PLAIN' }, { bind: 'home' });
    await gateway.close(first);
    await gateway.login({ jid: alice, mechanism: 'PLAIN' }, { bind: 'home' });
    await settle();
    const kv = await jetstreamManager(nc);
    const subjects = (await kv.streams.info(names().streams.clients, { subjects_filter: `${ns}.client.>` })).state.subjects ?? {};
    const legacy = Object.keys(subjects).filter((subject) => /\.[A-Za-z0-9_-]{16}$/.test(subject));
    assert.equal(legacy.length, 1, JSON.stringify(subjects));
    const clientId = Buffer.from(legacy[0]!.split('.').at(-1)!, 'base64url').toString();
    assert.match(clientId, /^[A-Za-z0-9_-]{12}$/);
    await assert.rejects(revoke(`client/${clientId}`), code('password-reset-required'));
    const revoked = (await eventsOf(clientId)).find((event) => event.type === 'gatehouse.client.revoked.v1');
    assert.deepEqual(revoked?.data.fullJids, [`${alice}/home`]);
  });

  it('revokes a client the listing may already show but the registry has not read yet', async () => {
    // No grant: only the login's session.established makes this client known.
    const session = await gateway.login({ jid: alice, mechanism: 'PLAIN' }, { bind: 'kiosk' });
    await assert.rejects(revoke(`client/${session.clientId}`), code('password-reset-required'));
    const revoked = (await eventsOf(session.clientId!)).find((event) => event.type === 'gatehouse.client.revoked.v1');
    assert.deepEqual(revoked?.data.fullJids, [`${alice}/kiosk`]);
    assert.ok((await accessCuts()).some((cut) => cut.clientId === session.clientId));
  });

  it('revokes by grant id, closing the sessions that used the grant', async () => {
    await gateway.login({ jid: alice, clientId: 'desk', method: 'fast', mechanism: 'HT-SHA-256-NONE' }, { bind: 'desk.1' });
    await settle();
    const granted = (await eventsOf('desk')).find((event) => event.type === 'gatehouse.client.granted.v1');
    assert.ok(granted?.type === 'gatehouse.client.granted.v1');
    assert.deepEqual(await revoke(`grant/${granted.data.grantId}`), {});
    const revoked = (await eventsOf('desk')).find((event) => event.type === 'gatehouse.client.revoked.v1');
    assert.deepEqual(revoked?.data.fullJids, [`${alice}/desk.1`]);
    assert.equal(revoked?.data.grantId, granted.data.grantId);
  });

  it('refuses unknown and malformed ids, payload errors, unknown accounts', async () => {
    for (const id of ['client/nobody', 'grant/nothing', 'software/None', 'nonsense', '']) await assert.rejects(revoke(id), code('item-not-found'), id);
    await assert.rejects(request(nc, `${names().services.clientRegistry}.client.revoke`, { jid: alice }), code('bad-request'));
    await assert.rejects(revoke('client/x', 'nobody@localhost'), code('account-not-found'));
    await assert.rejects(revoke('client/x', 'alice@elsewhere.example'), code('host-unknown'));
  });

  it('reads history written before catalog v2: the old session events make the client, and revocation names its full JID', async () => {
    const sessionId = 'OLDOLDOLDOLDOLDOLDOLD0';
    await gateway.emit('gatehouse.session.stream-opened.v1', { sessionId, replica: 'gw0', transport: 'tls', clientIp: '127.0.0.1' });
    await gateway.emit('gatehouse.session.authentication-succeeded.v1', { sessionId, jid: alice, mechanism: 'HT-SHA-256-NONE', clientIp: '127.0.0.1', method: 'fast', clientId: 'old' });
    await gateway.emit('gatehouse.session.resource-bound.v1', { sessionId, jid: `${alice}/old.1`, replica: 'gw0' });
    await settle();
    assert.deepEqual(await typesOf('old'), ['seen']);
    assert.deepEqual(await revoke('client/old'), {}, 'connected: revocable');
    const revoked = (await eventsOf('old')).find((event) => event.type === 'gatehouse.client.revoked.v1');
    assert.deepEqual(revoked?.data.fullJids, [`${alice}/old.1`]);
  });

  it('tells every client of a password change: its password logins no longer need a reset', async () => {
    await gateway.token('account.password', { jid: alice, password: 'looking-glass' });
    await settle();
    assert.ok((await typesOf('phone')).includes('password-changed'));
    assert.ok((await typesOf('phone')).includes('grant-revoked'), 'the token service revoked its grant');
    // Still connected in this simulation (no gateway closed it): revocable, and no password error.
    assert.deepEqual(await revoke('client/phone'), {});
  });

  it('knows live sessions after a restart: the projections service holds them, nothing is folded', async () => {
    const session = await gateway.login({ jid: alice, clientId: 'watch', method: 'fast' }, { bind: 'watch.1' });
    await settle();
    await registry.stop();
    await start();
    await settle();
    assert.deepEqual(await revoke('client/watch'), {});
    const revoked = (await eventsOf('watch')).find((event) => event.type === 'gatehouse.client.revoked.v1');
    assert.deepEqual(revoked?.data.fullJids, [session.fullJid]);
  });

  it('stores nothing twice when every source event is handled again from the start', async () => {
    await settle();
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(names().streams.clients)).state.messages;
    await registry.stop();
    for (const stream of [names().streams.sessions, names().streams.tokens, names().streams.accounts]) await jsm.consumers.delete(stream, 'client-registry');
    await start();
    await settle();
    assert.equal((await jsm.streams.info(names().streams.clients)).state.messages, before);
  });
});
