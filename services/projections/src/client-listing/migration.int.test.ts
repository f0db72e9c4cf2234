import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '@gatehouse/bus';
import { accountListing } from '../account-listing/projection.ts';
import { createProjectionsService, type ProjectionsService } from '../service.ts';
import { credentials, setupFixture, testLogger, type Fixture } from '../test-fixture.ts';
import type { ClientListing } from './listing.ts';
import { clientListing } from './projection.ts';
import { eventWriters, sid } from './test-events.ts';

const jid = 'alice@localhost';
const now = new Date('2025-03-01T12:00:00.000Z');
const t = (minute: number) => `2025-03-01T11:${String(minute).padStart(2, '0')}:00.000Z`;
const far = '2025-04-01T00:00:00.000Z';
const legacyId = 'Lg0000000001';
const ip = '192.0.2.7';
const conversations = { software: 'Conversations', device: 'Pixel' };

/**
 * Catalog v2 on a stack whose streams were written before it (docs/events.md, "Catalog v2"):
 * the listing must be the one the client events alone gave, and v2 logins must update it.
 */
describe('client listing on a history written before catalog v2 (NATS + PostgreSQL)', () => {
  let fixture: Fixture;
  let service: ProjectionsService | undefined;
  const start = async (projections?: Parameters<typeof createProjectionsService>[0]['projections']) => {
    await service?.stop();
    service = createProjectionsService({ nc: fixture.nc, db: fixture.db, namespace: fixture.ns, logger: testLogger, retryDelayMs: 100, clock: () => now, ...(projections ? { projections } : {}) });
    await service.start();
  };
  const list = async (): Promise<ClientListing[]> => (await call(fixture.nc, fixture.ns, 'projections.clients.list', { jid }, { timeoutMs: 10_000 })).items;
  const rows = async () => ({
    clients: await fixture.db.selectFrom('clients').selectAll().orderBy('client_id').execute(),
    sessions: await fixture.db.selectFrom('client_sessions').selectAll().orderBy('session_id').execute(),
    tokens: await fixture.db.selectFrom('client_fast_tokens').selectAll().orderBy('token_id').execute(),
  });

  /** What today's client listing gives for the history below, entry by entry. */
  const expected: ClientListing[] = [
    {
      id: 'client/phone',
      clientId: 'phone',
      type: 'session',
      connected: false,
      firstSeen: t(1),
      lastSeen: t(4),
      auth: ['password', 'grant', 'fast'],
      userAgent: conversations,
      legacy: false,
      revoked: false,
    },
    { id: `client/${legacyId}`, clientId: legacyId, type: 'session', connected: true, firstSeen: t(5), lastSeen: t(5), auth: ['password'], userAgent: {}, legacy: true, revoked: false },
    { id: 'client/tablet', clientId: 'tablet', type: 'session', connected: false, firstSeen: t(6), lastSeen: t(6), auth: ['password'], userAgent: { software: 'Dino' }, legacy: false, revoked: true },
  ];

  before(async () => {
    fixture = await setupFixture();
    const write = eventWriters(fixture);
    await fixture.append('gatehouse.account.created.v1', jid, { jid, credentials }, t(0));
    /** A login as the gateway and client-registry of today's main write it: five session events and three client events. */
    const oldLogin = async (n: number, at: string, login: { clientId?: string; registryId: string; resource: string; mechanism: string; userAgent?: { software?: string; device?: string } }) => {
      const method = login.mechanism.startsWith('HT-') ? ('fast' as const) : ('password' as const);
      const fullJid = `${jid}/${login.resource}`;
      await write.session('gatehouse.session.stream-opened.v1', { sessionId: sid(n), replica: 'gw-1', transport: 'tls', clientIp: ip }, at);
      await write.session(
        'gatehouse.session.authentication-succeeded.v1',
        { sessionId: sid(n), jid, mechanism: login.mechanism, clientIp: ip, method, ...(login.clientId ? { clientId: login.clientId } : {}), ...(login.userAgent ? { userAgent: login.userAgent } : {}) },
        at,
      );
      await write.session('gatehouse.session.resource-bound.v1', { sessionId: sid(n), jid: fullJid, replica: 'gw-1' }, at);
      const key = { jid, clientId: login.registryId };
      await write.client(
        'gatehouse.client.authenticated.v1',
        { ...key, sessionId: sid(n), legacy: login.clientId === undefined, mechanism: login.mechanism, method, ...(login.userAgent ? { userAgent: login.userAgent } : {}) },
        at,
      );
      await write.client('gatehouse.client.session-bound.v1', { ...key, sessionId: sid(n), fullJid }, at);
      return { key, fullJid };
    };
    const oldEnd = async (n: number, at: string, fullJid: string, reason: string, restated?: { jid: string; clientId: string }) => {
      await write.session('gatehouse.session.ended.v1', { sessionId: sid(n), jid: fullJid, reason }, at);
      await write.session('gatehouse.session.stream-closed.v1', { sessionId: sid(n), reason }, at);
      if (restated) await write.client('gatehouse.client.session-ended.v1', { ...restated, sessionId: sid(n), fullJid }, at);
    };

    // A SASL2 client: password login, a grant and a FAST token, the end; then a FAST login using the grant.
    const phone = await oldLogin(1, t(1), { clientId: 'phone', registryId: 'phone', resource: 'phone', mechanism: 'SCRAM-SHA-256', userAgent: conversations });
    await write.client('gatehouse.client.granted.v1', { ...phone.key, grantId: `G${'1'.padStart(21, '0')}`, authenticatedBy: 'password', userAgent: conversations }, t(1));
    await write.client('gatehouse.client.fast-token-issued.v1', { ...phone.key, tokenId: `T${'1'.padStart(21, '0')}`, expiresAt: far }, t(1));
    await oldEnd(1, t(2), phone.fullJid, 'closed-by-client', phone.key);
    await oldLogin(2, t(3), { clientId: 'phone', registryId: 'phone', resource: 'phone', mechanism: 'HT-SHA-256-NONE', userAgent: conversations });
    await write.client('gatehouse.client.grant-used.v1', { ...phone.key, grantId: `G${'1'.padStart(21, '0')}` }, t(3));
    await oldEnd(2, t(4), phone.fullJid, 'closed-by-client', phone.key);
    // A legacy client (no <user-agent id>), still connected.
    await oldLogin(3, t(5), { registryId: legacyId, resource: 'home', mechanism: 'PLAIN' });
    // A revoked client: its session is cut; the registry restated no end (the revocation ended it).
    const tablet = await oldLogin(4, t(6), { clientId: 'tablet', registryId: 'tablet', resource: 'tablet', mechanism: 'SCRAM-SHA-1', userAgent: { software: 'Dino' } });
    await write.client('gatehouse.client.fast-token-issued.v1', { ...tablet.key, tokenId: `T${'2'.padStart(21, '0')}`, expiresAt: far }, t(6));
    await write.client('gatehouse.client.revoked.v1', { ...tablet.key, fullJids: [tablet.fullJid], reason: 'revoked-by-user' }, t(7));
    await oldEnd(4, t(7), tablet.fullJid, 'client-revoked');
    // A forgotten client.
    const old = await oldLogin(5, t(8), { clientId: 'old', registryId: 'old', resource: 'old', mechanism: 'SCRAM-SHA-256' });
    await oldEnd(5, t(9), old.fullJid, 'closed-by-client', old.key);
    await write.client('gatehouse.client.forgotten.v1', { ...old.key, reason: 'client-limit' }, t(10));
  });
  after(async () => {
    await service?.stop();
    await fixture?.cleanup();
  });

  it('today’s projections list the history as expected', async () => {
    await start([accountListing, clientListing]);
    assert.deepEqual(await list(), expected);
  });

  it('the new code, started on the same database, lists the same clients in the same rows', async () => {
    const before = await rows();
    await start();
    assert.deepEqual(await list(), expected);
    assert.deepEqual(await rows(), before, 'pre-v2 session events add nothing the client events did not');
  });

  it('the new code on an empty database lists the same, and so does a rebuild', async () => {
    const before = await rows();
    await service!.stop();
    for (const table of ['client_fast_tokens', 'client_sessions', 'clients', 'forgotten_clients', 'ended_client_sessions'] as const) await fixture.db.deleteFrom(table).execute();
    await fixture.db.deleteFrom('projection_checkpoints').where('name', 'in', ['client-listing', 'client-activity']).execute();
    await start();
    assert.deepEqual(await list(), expected);
    assert.deepEqual(await rows(), before);
    await service!.rebuild('client-activity');
    assert.deepEqual(await list(), expected);
    assert.deepEqual(await rows(), before);
  });

  it('a v2 login of a known client updates it (connected, last seen) without a second entry', async () => {
    const write = eventWriters(fixture);
    const established = {
      sessionId: sid(6),
      replica: 'gw-2',
      jid: `${jid}/phone`,
      transport: 'tls' as const,
      clientIp: ip,
      openedAt: t(12),
      mechanism: 'HT-SHA-256-NONE',
      method: 'fast' as const,
      clientId: 'phone',
      legacy: false,
      userAgent: conversations,
    };
    await write.session('gatehouse.session.established.v1', established, t(12));
    const online = await list();
    assert.equal(online.filter((entry) => entry.clientId === 'phone').length, 1);
    assert.deepEqual(online.at(-1), { ...expected[0]!, connected: true, lastSeen: t(12) });
    assert.deepEqual(online.slice(0, -1), expected.slice(1));

    await write.session('gatehouse.session.ended.v1', { sessionId: sid(6), jid: `${jid}/phone`, reason: 'closed-by-client', clientId: 'phone' }, t(13));
    assert.deepEqual((await list()).at(-1), { ...expected[0]!, connected: false, lastSeen: t(13) });
  });

  it('a v2 login of the revoked client brings it back once, with the registry’s client.seen', async () => {
    const write = eventWriters(fixture);
    const login = { jid, clientId: 'tablet', legacy: false, mechanism: 'SCRAM-SHA-1', method: 'password' as const };
    await write.session(
      'gatehouse.session.established.v1',
      { ...login, sessionId: sid(7), replica: 'gw-1', jid: `${jid}/tablet`, transport: 'tls', clientIp: ip, openedAt: t(14) },
      t(14),
    );
    await write.client('gatehouse.client.seen.v1', { ...login, sessionId: sid(7), change: 'returned' }, t(14));
    const tablets = (await list()).filter((entry) => entry.clientId === 'tablet');
    assert.deepEqual(tablets, [{ ...expected[2]!, connected: true, lastSeen: t(14), revoked: false }]);
  });
});
