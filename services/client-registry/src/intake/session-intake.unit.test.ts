import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventDataMap } from '@gatehouse/events';
import { sourceEvent, testIntake } from './test-intake.ts';

const jid = 'juliet@capulet.lit';
const sid = 'AAAAAAAAAAAAAAAAAAAAAA';
const t = (second: number) => `2025-03-01T11:00:${String(second).padStart(2, '0')}.000Z`;
const clientIp = '127.0.0.1';
const key = (clientId: string) => ({ jid, clientId });

type Established = EventDataMap['gatehouse.session.established.v1'];

/** A v2 login: one event when the session binds its resource. */
const established = (over: Partial<Established> & { second?: number } = {}) => {
  const { second = 2, ...data } = over;
  return sourceEvent(
    'gatehouse.session.established.v1',
    {
      sessionId: sid,
      replica: 'gw0',
      jid: `${jid}/balcony`,
      transport: 'tls',
      clientIp,
      openedAt: t(0),
      mechanism: 'SCRAM-SHA-1',
      method: 'password',
      clientId: 'phone',
      legacy: false,
      ...data,
    },
    t(second),
  );
};
const endedV2 = (sessionId = sid, second = 3, clientId: string | undefined = 'phone') =>
  sourceEvent('gatehouse.session.ended.v1', { sessionId, jid: `${jid}/balcony`, reason: 'closed-by-client', ...(clientId ? { clientId } : {}) }, t(second));

/** Pre-v2 history: a login's events as the gateway wrote them before catalog v2. */
const login = (over: { clientId?: string; method?: 'password' | 'fast'; mechanism?: string; sessionId?: string } = {}) =>
  sourceEvent(
    'gatehouse.session.authentication-succeeded.v1',
    {
      sessionId: over.sessionId ?? sid,
      jid,
      mechanism: over.mechanism ?? 'SCRAM-SHA-1',
      clientIp,
      method: over.method ?? 'password',
      ...(over.clientId ? { clientId: over.clientId, userAgent: { software: 'Conversations', device: '', uri: ' ' } } : {}),
    },
    t(1),
  );
const bound = (resource = 'balcony', sessionId = sid) => sourceEvent('gatehouse.session.resource-bound.v1', { sessionId, jid: `${jid}/${resource}`, replica: 'gw0' }, t(2));
const ended = (resource = 'balcony', sessionId = sid) =>
  sourceEvent('gatehouse.session.ended.v1', { sessionId, jid: `${jid}/${resource}`, reason: 'closed-by-client' }, t(3));
const closed = (sessionId = sid) => sourceEvent('gatehouse.session.stream-closed.v1', { sessionId, reason: 'closed-by-client' }, t(4));

describe('session intake: catalog v2 (session.established, session.ended)', () => {
  it('appends client.seen at a first login, and the session and its full JID reach the logins it is decided on', async () => {
    const { sessions, facts, view } = testIntake();
    await sessions.handle(established({ userAgent: { software: 'Conversations', device: '', uri: ' ' } }));
    assert.deepEqual(facts().map((fact) => [fact.type, fact.time, fact.data.clientId, (fact.data as { change?: string }).change]), [['gatehouse.client.seen.v1', t(2), 'phone', 'first-seen']]);
    assert.deepEqual((facts()[0]?.data as { userAgent?: unknown }).userAgent, { software: 'Conversations' }, 'empty children dropped');
    const state = view.state(key('phone'));
    assert.ok(state.status === 'known');
    assert.deepEqual(state.sessions, { [sid]: { fullJid: `${jid}/balcony` } });
    await sessions.handle(endedV2());
    const after = view.state(key('phone'));
    assert.ok(after.status === 'known');
    assert.deepEqual(after.sessions, {});
    assert.equal(after.lastSeen, t(3));
    assert.equal(facts().length, 1, 'an end changes nothing a client event holds');
  });

  it("appends nothing for a known client's routine login, yet counts its use", async () => {
    const { sessions, facts, view } = testIntake();
    await sessions.handle(established({ userAgent: { software: 'Dino' } }));
    await sessions.handle(endedV2());
    const second = 'BBBBBBBBBBBBBBBBBBBBBB';
    await sessions.handle(established({ sessionId: second, second: 10, mechanism: 'HT-SHA-256-NONE', method: 'fast', userAgent: { software: 'Dino' } }));
    assert.deepEqual(facts().map((fact) => fact.type), ['gatehouse.client.seen.v1']);
    const state = view.state(key('phone'));
    assert.ok(state.status === 'known');
    assert.equal(state.lastSeen, t(10));
    assert.equal(state.fastUsedAt, t(10));
    assert.equal(state.passwordUsedAt, t(2));
    assert.deepEqual(Object.keys(state.sessions), [second]);
  });

  it('appends client.seen when a known client first gives its user agent', async () => {
    const { sessions, facts } = testIntake();
    await sessions.handle(established());
    await sessions.handle(established({ sessionId: 'BBBBBBBBBBBBBBBBBBBBBB', second: 5, userAgent: { software: 'Gajim' } }));
    await sessions.handle(established({ sessionId: 'CCCCCCCCCCCCCCCCCCCCCC', second: 6, userAgent: { software: 'Other' } }));
    assert.deepEqual(facts().map((fact) => (fact.data as { change?: string }).change), ['first-seen', 'user-agent-learned']);
  });

  it('appends client.seen change=returned for a login after the client was revoked, and none for one before', async () => {
    const { sessions, facts, execute } = testIntake();
    await sessions.handle(established({ second: 1 }));
    await execute({ type: 'RevokeClient', ...key('phone'), reason: 'revoked-by-user' });
    // Revoked at the handler's clock, 12:00: a login read late from before that is no return.
    await sessions.handle(established({ sessionId: 'BBBBBBBBBBBBBBBBBBBBBB', second: 30 }));
    const back = sourceEvent('gatehouse.session.established.v1', { ...(established().data as Established), sessionId: 'CCCCCCCCCCCCCCCCCCCCCC' }, '2025-03-01T12:05:00.000Z');
    await sessions.handle(back);
    assert.deepEqual(
      facts().map((fact) => [fact.type, (fact.data as { change?: string }).change]),
      [
        ['gatehouse.client.seen.v1', 'first-seen'],
        ['gatehouse.client.revoked.v1', undefined],
        ['gatehouse.client.seen.v1', 'returned'],
      ],
    );
  });

  it('makes a client first seen on a session when it was known by its grant alone', async () => {
    const { sessions, facts, execute } = testIntake();
    await execute({ type: 'RecordGrant', ...key('phone'), at: t(1), grantId: 'GGGGGGGGGGGGGGGGGGGGGG', authenticatedBy: 'password' });
    await sessions.handle(established());
    await sessions.handle(established({ sessionId: 'BBBBBBBBBBBBBBBBBBBBBB', second: 5 }));
    assert.deepEqual(facts().map((fact) => fact.type), ['gatehouse.client.granted.v1', 'gatehouse.client.seen.v1']);
  });

  it('takes a legacy client by the id the gateway gave it', async () => {
    const { sessions, facts, view } = testIntake();
    await sessions.handle(established({ clientId: 'Lg4cyId0xYz1', legacy: true, mechanism: 'PLAIN' }));
    assert.deepEqual(facts().map((fact) => [fact.data.clientId, (fact.data as { legacy?: boolean }).legacy]), [['Lg4cyId0xYz1', true]]);
    const state = view.state(key('Lg4cyId0xYz1'));
    assert.ok(state.status === 'known');
    assert.deepEqual(state.sessions, { [sid]: { fullJid: `${jid}/balcony` } }, 'its session, by the full JID that names it');
  });

  it('makes no legacy client under ENFORCE_CLIENT_IDS', async () => {
    const { sessions, facts } = testIntake({ enforceClientIds: true });
    await sessions.handle(established({ clientId: 'Lg4cyId0xYz1', legacy: true }));
    assert.deepEqual(facts(), []);
  });

  it('handles a redelivered event once', async () => {
    const { sessions, facts, view } = testIntake();
    const event = established();
    await sessions.handle(event);
    await sessions.handle(endedV2());
    await sessions.handle(event);
    assert.equal(facts().length, 1);
    const state = view.state(key('phone'));
    assert.ok(state.status === 'known');
    assert.deepEqual(state.sessions, {}, 'the redelivered login does not revive its ended session');
  });

  it('drops a login of an account deleted since', async () => {
    const { sessions, facts } = testIntake({ account: { createdAt: t(0), deletedAt: t(9) } });
    await sessions.handle(established());
    assert.deepEqual(facts(), []);
  });
});

describe('session intake: history written before catalog v2', () => {
  it('makes the SASL2 client known at login (now as client.seen), and follows its binding and end in the login view', async () => {
    const { sessions, facts, view } = testIntake();
    await sessions.handle(login({ clientId: 'phone' }));
    await sessions.handle(bound());
    assert.deepEqual((view.state(key('phone')) as { sessions: unknown }).sessions, { [sid]: { fullJid: `${jid}/balcony` } });
    for (const event of [ended(), closed()]) await sessions.handle(event);
    assert.deepEqual(facts().map((fact) => [fact.type, fact.time, fact.data.clientId]), [['gatehouse.client.seen.v1', t(1), 'phone']]);
    assert.deepEqual((facts()[0]?.data as { userAgent?: unknown }).userAgent, { software: 'Conversations' }, 'empty children dropped');
    assert.deepEqual((view.state(key('phone')) as { sessions: unknown }).sessions, {});
  });

  it('clears a session that authenticated and closed without binding', async () => {
    const { sessions, view } = testIntake();
    for (const event of [login({ clientId: 'phone' }), closed()]) await sessions.handle(event);
    assert.deepEqual((view.state(key('phone')) as { sessions: unknown }).sessions, {});
  });

  it('finds the client of a binding in the session history after a restart', async () => {
    const { sessions, view, histories } = testIntake();
    histories.set(sid, [login({ clientId: 'phone' })]);
    await sessions.handle(bound());
    assert.deepEqual((view.state(key('phone')) as { sessions: unknown }).sessions, { [sid]: { fullJid: `${jid}/balcony` } });
  });

  it('names a legacy client at binding, with the login time, and matches it again by full JID', async () => {
    const { sessions, facts, legacy } = testIntake();
    for (const event of [login(), bound(), ended(), closed()]) await sessions.handle(event);
    const second = 'BBBBBBBBBBBBBBBBBBBBBB';
    for (const event of [login({ sessionId: second }), bound('balcony', second)]) await sessions.handle(event);
    const id = legacy.get(`${jid}/balcony`);
    assert.ok(id);
    assert.deepEqual(facts().map((fact) => fact.data.clientId), [id]);
    const first = facts()[0];
    assert.equal(first?.type, 'gatehouse.client.seen.v1');
    assert.equal(first?.time, t(1), 'the login time, not the binding time');
    assert.equal((first?.data as { legacy: boolean }).legacy, true);
  });

  it('makes a new client for another resource', async () => {
    const { sessions, legacy } = testIntake();
    const second = 'BBBBBBBBBBBBBBBBBBBBBB';
    for (const event of [login(), bound('one'), login({ sessionId: second }), bound('two', second)]) await sessions.handle(event);
    assert.equal(legacy.size, 2);
  });

  it('makes no legacy client under ENFORCE_CLIENT_IDS', async () => {
    const { sessions, facts, histories } = testIntake({ enforceClientIds: true });
    for (const event of [login(), bound()]) await sessions.handle(event);
    histories.set('CCCCCCCCCCCCCCCCCCCCCC', [login({ sessionId: 'CCCCCCCCCCCCCCCCCCCCCC' })]);
    await sessions.handle(bound('x', 'CCCCCCCCCCCCCCCCCCCCCC'));
    assert.deepEqual(facts(), []);
  });

  it('ignores a binding of a session that never authenticated', async () => {
    const { sessions, facts } = testIntake();
    await sessions.handle(bound());
    assert.deepEqual(facts(), []);
  });

  it('ends a pre-v2 session with a v2 session.ended that names no client', async () => {
    const { sessions, view } = testIntake();
    for (const event of [login({ clientId: 'phone' }), bound(), endedV2(sid, 9, undefined)]) await sessions.handle(event);
    const state = view.state(key('phone'));
    assert.ok(state.status === 'known');
    assert.deepEqual(state.sessions, {});
    assert.equal(state.lastSeen, t(9));
  });
});
