import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createEvent, encodeEvent, type EventDataMap, type EventType, type GatehouseEvent, type SessionEstablishedData } from '@gatehouse/events';
import { applyMessage, type ApplyOutcome } from '../apply.ts';
import type { Projection } from '../projection.ts';
import { setupFixture, testLogger, type Fixture } from '../test-fixture.ts';
import { clientActivity } from './activity.ts';
import { lastActivity } from './queries.ts';
import { toListing, type ClientListing } from './listing.ts';
import { clientListing } from './projection.ts';
import { sid } from './test-events.ts';

const now = new Date('2025-03-01T12:00:00.000Z');
const t = (minute: number) => `2025-03-01T11:${String(minute).padStart(2, '0')}:00.000Z`;
const ip = '192.0.2.7';

/**
 * client-activity and client-listing read two streams apart: each case applies the same
 * events in both orders (and again, as a redelivery) and must end with the same rows.
 */
describe('client-activity with client-listing, in either order (PostgreSQL)', () => {
  let fixture: Fixture;
  let jid: string;
  let accounts = 0;
  const sequences = new Map<string, number>();

  /** Applies one event as its projection's runner would, next in a stream of its own per test. */
  const apply = async (projection: Projection, event: GatehouseEvent): Promise<ApplyOutcome> => {
    const stream = { name: `${projection.stream}-${jid}`, created: '2025-03-01T00:00:00Z' };
    const seq = (sequences.get(stream.name) ?? 0) + 1;
    sequences.set(stream.name, seq);
    return applyMessage(fixture.db, projection, { stream, seq, data: encodeEvent(event) }, testLogger);
  };
  const event = <Type extends EventType>(type: Type, data: EventDataMap[Type], time: string) => {
    const key = data as { jid: string; clientId: string; sessionId: string };
    const subject = type.startsWith('gatehouse.client.') ? fixture.names.subjects.client(key.jid, key.clientId) : fixture.names.subjects.session(key.sessionId);
    return createEvent(type, { subject, source: 'gatehouse/test', data, time }) as GatehouseEvent;
  };
  const session = <Type extends Extract<EventType, `gatehouse.session.${string}`>>(type: Type, data: EventDataMap[Type], time: string) => () => apply(clientActivity, event(type, data, time));
  const client = <Type extends Extract<EventType, `gatehouse.client.${string}`>>(type: Type, data: EventDataMap[Type], time: string) => () => apply(clientListing, event(type, data, time));
  const established = (n: number, clientId: string, at: string, over: Partial<SessionEstablishedData> = {}) =>
    session(
      'gatehouse.session.established.v1',
      { sessionId: sid(n), replica: 'gw-1', jid: `${jid}/${clientId}`, transport: 'tls', clientIp: ip, openedAt: at, mechanism: 'SCRAM-SHA-256', method: 'password', clientId, legacy: false, ...over },
      at,
    );
  const ended = (n: number, clientId: string, at: string, over: { reason?: string; status?: string } = {}) =>
    session('gatehouse.session.ended.v1', { sessionId: sid(n), jid: `${jid}/${clientId}`, reason: 'closed-by-client', clientId, ...over }, at);
  const list = async (): Promise<ClientListing[]> => {
    const [clients, sessions, tokens] = await Promise.all(
      (['clients', 'client_sessions', 'client_fast_tokens'] as const).map((table) => fixture.db.selectFrom(table).selectAll().where('jid', '=', jid).execute()),
    );
    return toListing(clients as never, sessions as never, tokens as never, now);
  };
  const rows = async () =>
    Promise.all((['clients', 'client_sessions', 'client_fast_tokens'] as const).map((table) => fixture.db.selectFrom(table).selectAll().where('jid', '=', jid).orderBy('client_id').execute()));
  /** The listing after `steps` in the order given, for a fresh account. */
  const run = async (build: () => (() => Promise<ApplyOutcome>)[]) => {
    jid = `user${++accounts}@localhost`;
    for (const step of build()) await step();
    return { listing: await list(), rows: await rows() };
  };
  /** The same steps in order and reversed give the same rows; delivered again, nothing changes. */
  const eitherOrder = async (build: () => (() => Promise<ApplyOutcome>)[]) => {
    const forward = await run(build);
    const backward = await run(() => build().reverse());
    assert.deepEqual(backward.listing, forward.listing);
    const stripped = (result: typeof forward) => JSON.stringify(result.rows).replaceAll(/user\d+@localhost/g, 'user');
    assert.equal(stripped(backward), stripped(forward));
    return forward.listing;
  };

  before(async () => {
    fixture = await setupFixture();
  });
  beforeEach(() => sequences.clear());
  after(() => fixture?.cleanup());

  it('a v2 login lists the client connected from session.established alone, and the end sets last seen', async () => {
    const steps = await run(() => [established(1, 'phone', t(1), { userAgent: { software: 'Conversations' } })]);
    assert.deepEqual(steps.listing, [
      { id: 'client/phone', clientId: 'phone', type: 'session', connected: true, firstSeen: t(1), lastSeen: t(1), auth: ['password'], userAgent: { software: 'Conversations' }, legacy: false, revoked: false },
    ]);
    assert.equal(steps.rows[1]![0]!.full_jid, `${jid}/phone`);
    await ended(1, 'phone', t(2))();
    assert.deepEqual(
      (await list()).map(({ connected, lastSeen }) => ({ connected, lastSeen })),
      [{ connected: false, lastSeen: t(2) }],
    );
  });

  it('client.seen and session.established of one login make one client, one session, in either order', async () => {
    const listing = await eitherOrder(() => [
      client('gatehouse.client.seen.v1', { jid, clientId: 'phone', sessionId: sid(1), change: 'first-seen', legacy: false, mechanism: 'HT-SHA-256-NONE', method: 'fast', userAgent: { device: 'Pixel' } }, t(1)),
      established(1, 'phone', t(1), { mechanism: 'HT-SHA-256-NONE', method: 'fast', userAgent: { device: 'Pixel' } }),
    ]);
    assert.deepEqual(listing.map(({ id, connected, userAgent }) => ({ id, connected, userAgent })), [{ id: 'client/phone', connected: true, userAgent: { device: 'Pixel' } }]);
  });

  it('client.seen alone names the client but opens no session', async () => {
    const { rows: [clients, sessions] } = await run(() => [
      client('gatehouse.client.seen.v1', { jid, clientId: 'phone', sessionId: sid(1), change: 'first-seen', legacy: false, mechanism: 'SCRAM-SHA-256', method: 'password' }, t(1)),
    ]);
    assert.equal(clients!.length, 1);
    assert.deepEqual(sessions, []);
  });

  it('a forgotten client is not brought back by a login older than the forgetting, read later', async () => {
    const listing = await eitherOrder(() => [
      established(1, 'old', t(1)),
      ended(1, 'old', t(2)),
      client('gatehouse.client.forgotten.v1', { jid, clientId: 'old', reason: 'client-limit' }, t(3)),
    ]);
    assert.deepEqual(listing, []);
    assert.deepEqual((await run(() => [client('gatehouse.client.forgotten.v1', { jid, clientId: 'old', reason: 'client-limit' }, t(3)), established(1, 'old', t(1))])).rows, [[], [], []]);
  });

  it('a login after the forgetting, read before it, stays', async () => {
    const listing = await eitherOrder(() => [
      client('gatehouse.client.forgotten.v1', { jid, clientId: 'phone', reason: 'client-limit' }, t(3)),
      established(1, 'phone', t(4)),
    ]);
    assert.deepEqual(listing.map(({ id, connected, firstSeen }) => ({ id, connected, firstSeen })), [{ id: 'client/phone', connected: true, firstSeen: t(4) }]);
  });

  it('a login older than the revocation neither clears it nor leaves a session; a later one does both', async () => {
    const revoked = () => client('gatehouse.client.revoked.v1', { jid, clientId: 'tablet', fullJids: [], reason: 'revoked-by-user' }, t(5));
    const before = await eitherOrder(() => [
      client('gatehouse.client.seen.v1', { jid, clientId: 'tablet', sessionId: sid(1), change: 'first-seen', legacy: false, mechanism: 'SCRAM-SHA-256', method: 'password' }, t(1)),
      revoked(),
      established(1, 'tablet', t(1)),
    ]);
    assert.deepEqual(before.map(({ connected, revoked: isRevoked }) => ({ connected, revoked: isRevoked })), [{ connected: false, revoked: true }]);
    const later = await eitherOrder(() => [
      client('gatehouse.client.seen.v1', { jid, clientId: 'tablet', sessionId: sid(1), change: 'first-seen', legacy: false, mechanism: 'SCRAM-SHA-256', method: 'password' }, t(1)),
      revoked(),
      established(2, 'tablet', t(6)),
    ]);
    assert.deepEqual(later.map(({ connected, revoked: isRevoked, lastSeen }) => ({ connected, revoked: isRevoked, lastSeen })), [{ connected: true, revoked: false, lastSeen: t(6) }]);
  });

  it('an end read before its establishment leaves the client offline, and the tombstone goes', async () => {
    const { listing } = await run(() => [ended(1, 'phone', t(2)), established(1, 'phone', t(1))]);
    assert.deepEqual(listing.map(({ connected, lastSeen }) => ({ connected, lastSeen })), [{ connected: false, lastSeen: t(2) }]);
    assert.deepEqual(await fixture.db.selectFrom('ended_client_sessions').selectAll().where('session_id', '=', sid(1)).execute(), []);
  });

  it('a pre-v2 end ends a session bound by client events, and adds no last seen of its own', async () => {
    const { listing } = await run(() => [
      client('gatehouse.client.authenticated.v1', { jid, clientId: 'laptop', sessionId: sid(1), legacy: false, mechanism: 'PLAIN', method: 'password' }, t(1)),
      client('gatehouse.client.session-bound.v1', { jid, clientId: 'laptop', sessionId: sid(1), fullJid: `${jid}/laptop` }, t(1)),
      session('gatehouse.session.ended.v1', { sessionId: sid(1), jid: `${jid}/laptop`, reason: 'closed-by-client' }, t(9)),
    ]);
    assert.deepEqual(listing.map(({ connected, lastSeen }) => ({ connected, lastSeen })), [{ connected: false, lastSeen: t(1) }]);
    assert.deepEqual(await fixture.db.selectFrom('ended_client_sessions').selectAll().where('session_id', '=', sid(1)).execute(), []);
  });

  it('ignores the session events catalog v2 no longer writes', async () => {
    jid = `user${++accounts}@localhost`;
    const outcomes = [
      await session('gatehouse.session.stream-opened.v1', { sessionId: sid(1), replica: 'gw-1', transport: 'tls', clientIp: ip }, t(1))(),
      await session('gatehouse.session.authentication-succeeded.v1', { sessionId: sid(1), jid, mechanism: 'PLAIN', clientIp: ip, method: 'password', clientId: 'phone' }, t(1))(),
      await session('gatehouse.session.resource-bound.v1', { sessionId: sid(1), jid: `${jid}/phone`, replica: 'gw-1' }, t(1))(),
      await session('gatehouse.session.stream-closed.v1', { sessionId: sid(1), reason: 'closed-by-client' }, t(2))(),
    ];
    assert.deepEqual(outcomes, ['ignored', 'ignored', 'ignored', 'ignored']);
    assert.deepEqual(await rows(), [[], [], []]);
  });

  it("gives the account's last activity (XEP-0012): the latest end of any of its clients, with that end's status", async () => {
    jid = `user${++accounts}@localhost`;
    assert.deepEqual(await lastActivity(fixture.db, jid), {}, 'no client yet');
    await established(1, 'phone', t(1))();
    assert.deepEqual(await lastActivity(fixture.db, jid), {}, 'online, never ended');
    await established(2, 'laptop', t(2))();
    await ended(2, 'laptop', t(5), { status: 'lunch' })();
    await ended(1, 'phone', t(4), { status: 'older' })();
    assert.deepEqual(await lastActivity(fixture.db, jid), { lastLogout: t(5), status: 'lunch' });
    await established(3, 'laptop', t(6))();
    await ended(3, 'laptop', t(7))();
    assert.deepEqual(await lastActivity(fixture.db, jid), { lastLogout: t(7) }, 'an end without a status has none');
    await established(4, 'phone', t(8))();
    await ended(4, 'phone', t(9), { reason: 'account-deleted', status: 'cut' })();
    assert.deepEqual(await lastActivity(fixture.db, jid), { lastLogout: t(7) }, 'the end the deletion made is no activity');
  });

  it('a redelivered session.established changes nothing', async () => {
    jid = `user${++accounts}@localhost`;
    const first = established(1, 'phone', t(1));
    assert.equal(await first(), 'applied');
    const before = await rows();
    const stream = { name: `sessions-${jid}`, created: '2025-03-01T00:00:00Z' };
    const again = event('gatehouse.session.established.v1', { sessionId: sid(1), replica: 'gw-1', jid: `${jid}/phone`, transport: 'tls', clientIp: ip, openedAt: t(1), mechanism: 'SCRAM-SHA-256', method: 'password', clientId: 'phone', legacy: false }, t(1));
    assert.equal(await applyMessage(fixture.db, clientActivity, { stream, seq: 1, data: encodeEvent(again) }, testLogger), 'duplicate');
    assert.deepEqual(await rows(), before);
  });
});
