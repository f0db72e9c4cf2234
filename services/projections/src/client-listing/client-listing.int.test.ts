import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, request, ServiceError } from '@gatehouse/bus';
import { createEvent, encodeEvent, type EventDataMap, type EventType, type GatehouseEvent } from '@gatehouse/events';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createInbox } from '@nats-io/transport-node';
import { applyMessage, applyMessages } from '../apply.ts';
import { createProjectionsService, type ProjectionsService } from '../service.ts';
import { credentials, setupFixture, testLogger, type Fixture } from '../test-fixture.ts';
import { clientListing } from './projection.ts';

const jid = 'alice@localhost';
const now = new Date('2025-03-01T12:00:00.000Z');
const t = (minute: number) => `2025-03-01T11:${String(minute).padStart(2, '0')}:00.000Z`;
const far = '2025-04-01T00:00:00.000Z';
const sid = (n: number) => `S${String(n).padStart(21, '0')}`;
const grant = (n: number) => `G${String(n).padStart(21, '0')}`;
const tok = (n: number) => `T${String(n).padStart(21, '0')}`;

type ClientType = Extract<EventType, `gatehouse.client.${string}`>;

describe('client-listing projection (NATS + PostgreSQL)', () => {
  let fixture: Fixture;
  let service: ProjectionsService;
  const start = async () => {
    service = createProjectionsService({ nc: fixture.nc, db: fixture.db, namespace: fixture.ns, logger: testLogger, retryDelayMs: 100, clock: () => now });
    await service.start();
  };
  /** Appends a client event as client-registry does. */
  const append = async <Type extends ClientType>(type: Type, data: EventDataMap[Type], time: string) => {
    const { jid: account, clientId } = data as { jid: string; clientId: string };
    const subject = fixture.names.subjects.client(account, clientId);
    const event: GatehouseEvent = createEvent(type, { subject, source: 'gatehouse/client-registry', data, time });
    return (await jetstream(fixture.nc).publish(subject, encodeEvent(event), { msgID: event.id })).seq;
  };
  const rows = async () => ({
    clients: await fixture.db.selectFrom('clients').selectAll().orderBy('client_id').execute(),
    sessions: await fixture.db.selectFrom('client_sessions').selectAll().orderBy('session_id').execute(),
    tokens: await fixture.db.selectFrom('client_fast_tokens').selectAll().orderBy('token_id').execute(),
  });
  const ask = (endpoint: string, payload: unknown) => request(fixture.nc, `${fixture.names.services.projections}.${endpoint}`, payload, { timeoutMs: 10_000 });
  const key = (clientId: string) => ({ jid, clientId });

  before(async () => {
    fixture = await setupFixture();
    await fixture.append('gatehouse.account.created.v1', jid, { jid, credentials }, t(0));
    const login = (clientId: string, n: number, at: string, mechanism = 'SCRAM-SHA-256', legacy = false) =>
      append(
        'gatehouse.client.authenticated.v1',
        { ...key(clientId), sessionId: sid(n), legacy, mechanism, method: mechanism.startsWith('HT-') ? 'fast' : 'password', ...(legacy ? {} : { userAgent: { software: clientId, device: `${clientId} device` } }) },
        at,
      );
    // phone: password, granted, a FAST token, bound; then revoked (it still knows the password).
    await login('phone', 1, t(1));
    await append('gatehouse.client.granted.v1', { ...key('phone'), grantId: grant(1), authenticatedBy: 'password', userAgent: { software: 'ignored' } }, t(1));
    await append('gatehouse.client.fast-token-issued.v1', { ...key('phone'), tokenId: tok(1), expiresAt: far }, t(1));
    await append('gatehouse.client.session-bound.v1', { ...key('phone'), sessionId: sid(1), fullJid: `${jid}/phone` }, t(2));
    // laptop: FAST only, connected now.
    await login('laptop', 2, t(3), 'HT-SHA-256-NONE');
    await append('gatehouse.client.fast-token-issued.v1', { ...key('laptop'), tokenId: tok(2), expiresAt: far }, t(3));
    await append('gatehouse.client.session-bound.v1', { ...key('laptop'), sessionId: sid(2), fullJid: `${jid}/laptop` }, t(3));
    // A legacy client, gone offline.
    await login('legacyabcdef', 3, t(4), 'PLAIN', true);
    await append('gatehouse.client.session-bound.v1', { ...key('legacyabcdef'), sessionId: sid(3), fullJid: `${jid}/home` }, t(4));
    await append('gatehouse.client.session-ended.v1', { ...key('legacyabcdef'), sessionId: sid(3), fullJid: `${jid}/home` }, t(5));
    // An app only granted access.
    await append('gatehouse.client.granted.v1', { ...key('app'), grantId: grant(2), authenticatedBy: 'fast', userAgent: { software: 'Bot', uri: 'https://bot.example' } }, t(6));
    // A grant made by a token request (no user agent) read before the login that has one.
    await append('gatehouse.client.granted.v1', { ...key('watch'), grantId: grant(3), authenticatedBy: 'fast' }, t(6));
    await login('watch', 7, t(6), 'HT-SHA-256-NONE');
    // Access that ended: a password login before the change, an invalidated token, a forgotten client.
    await login('old', 4, t(0));
    await append('gatehouse.client.password-changed.v1', key('old'), t(7));
    await login('tablet', 5, t(7), 'HT-SHA-256-NONE');
    await append('gatehouse.client.fast-token-issued.v1', { ...key('tablet'), tokenId: tok(3), expiresAt: far }, t(7));
    await append('gatehouse.client.session-ended.v1', { ...key('tablet'), sessionId: sid(5) }, t(8));
    await append('gatehouse.client.fast-token-invalidated.v1', { ...key('tablet'), tokenId: tok(3) }, t(8));
    await login('gone', 6, t(8));
    await append('gatehouse.client.forgotten.v1', { ...key('gone'), reason: 'account-deleted' }, t(9));
    await append('gatehouse.client.revoked.v1', { ...key('phone'), fullJids: [`${jid}/phone`], grantId: grant(1), reason: 'revoked-by-user' }, t(10));
    await start();
  });
  after(async () => {
    await service?.stop();
    await fixture?.cleanup();
  });

  it('lists what has access now, in the order and by the rules of mod_client_management', async () => {
    const listed = await service.listClients(jid);
    assert.deepEqual(
      listed.map(({ id, type, connected, auth, revoked, legacy }) => ({ id, type, connected, auth, revoked, legacy })),
      [
        { id: 'client/phone', type: 'session', connected: false, auth: ['password'], revoked: true, legacy: false },
        { id: 'client/laptop', type: 'session', connected: true, auth: ['fast'], revoked: false, legacy: false },
        { id: 'client/legacyabcdef', type: 'session', connected: false, auth: ['password'], revoked: false, legacy: true },
        { id: 'client/watch', type: 'session', connected: false, auth: ['grant'], revoked: false, legacy: false },
        { id: 'grant/G000000000000000000002', type: 'access', connected: false, auth: ['grant'], revoked: false, legacy: false },
      ],
    );
    const phone = listed.find((entry) => entry.clientId === 'phone');
    assert.deepEqual(phone?.userAgent, { software: 'phone', device: 'phone device' }, 'the user agent of its first sight');
    assert.equal(phone?.firstSeen, t(1));
    assert.equal(phone?.lastSeen, t(2));
    assert.deepEqual(listed.find((entry) => entry.clientId === 'app')?.userAgent, { software: 'Bot', uri: 'https://bot.example' });
    assert.deepEqual(listed.find((entry) => entry.clientId === 'watch')?.userAgent, { software: 'watch', device: 'watch device' }, 'the first user agent there was');
  });

  it('leaves the rows unchanged when every event is delivered again', async () => {
    const before = await rows();
    const jsm = await jetstreamManager(fixture.nc);
    const name = fixture.names.streams.clients;
    const info = await jsm.streams.info(name);
    const stream = { name, created: info.created };
    const stored = [];
    for (let seq = 1; seq <= info.state.last_seq; seq++) stored.push({ stream, seq, data: (await jsm.streams.getMessage(name, { seq }))!.data });
    const outcomes = [];
    for (const message of stored) outcomes.push(await applyMessage(fixture.db, clientListing, message, testLogger));
    assert.deepEqual(new Set(outcomes), new Set(['duplicate']));
    assert.deepEqual(await rows(), before);
    // The whole stream again as one batch, the way the runner applies a backlog.
    assert.deepEqual(new Set(await applyMessages(fixture.db, clientListing, stored, testLogger)), new Set(['duplicate']));
    assert.deepEqual(await rows(), before);
  });

  it('rebuilds to identical rows', async () => {
    const before = await rows();
    const result = await service.rebuild('client-listing');
    assert.equal(result.applied, result.total);
    assert.ok(result.total >= 20);
    assert.deepEqual(await rows(), before);
  });

  it('reads its own writes and answers clients.list over NATS', async () => {
    await append('gatehouse.client.session-ended.v1', { ...key('laptop'), sessionId: sid(2), fullJid: `${jid}/laptop` }, t(11));
    const { items: clients } = await call(fixture.nc, fixture.ns, 'projections.clients.list', { jid: 'Alice@Localhost' }, { timeoutMs: 10_000 });
    const laptop = clients.find((entry) => entry.id === 'client/laptop');
    assert.equal(laptop?.connected, false);
    assert.equal(laptop?.lastSeen, t(11));
    assert.equal(clients.at(-1)?.id, 'client/laptop', 'now the most recently seen');
  });

  it('refuses unknown accounts, malformed JIDs and payloads with codes', async () => {
    const code = (expected: string) => (error: unknown) => error instanceof ServiceError && error.code === expected;
    await assert.rejects(ask('clients.list', { jid: 'nobody@localhost' }), code('account-not-found'));
    await assert.rejects(ask('clients.list', { jid: 'alice@localhost/phone' }), code('jid-malformed'));
    await assert.rejects(ask('clients.list', { jid: 7 }), code('bad-request'));
    await assert.rejects(ask('clients.list', {}), code('bad-request'));
  });

  it('publishes rebuild progress to the subject the caller names', async () => {
    const inbox = createInbox();
    const progress: { applied: number; total: number }[] = [];
    const subscription = fixture.nc.subscribe(inbox, { callback: (_error, message) => void progress.push(message.json()) });
    const result = await call(fixture.nc, fixture.ns, 'projections.rebuild', { name: 'client-listing', progress: inbox }, { timeoutMs: 10_000 });
    await fixture.nc.flush();
    subscription.unsubscribe();
    assert.deepEqual(progress[0], { applied: 0, total: result.total });
    assert.deepEqual(progress.at(-1), result);
    assert.ok(progress.length >= 3);
  });
});
