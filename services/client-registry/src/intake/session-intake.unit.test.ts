import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionIntake } from './session-intake.ts';
import { sourceEvent, testIntake } from './test-intake.ts';

const jid = 'juliet@capulet.lit';
const sid = 'AAAAAAAAAAAAAAAAAAAAAA';
const t = (second: number) => `2025-03-01T11:00:${String(second).padStart(2, '0')}.000Z`;
const clientIp = '127.0.0.1';

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

describe('session intake: SASL2 clients', () => {
  it('makes the client known at login, binds its full JID (§1.11 TS) and ends its session', async () => {
    const { deps, facts } = testIntake();
    const intake = new SessionIntake(deps);
    for (const event of [login({ clientId: 'phone' }), bound(), ended(), closed()]) await intake.handle(event);
    assert.deepEqual(
      facts().map((fact) => [fact.type, fact.time, fact.data.clientId]),
      [
        ['gatehouse.client.authenticated.v1', t(1), 'phone'],
        ['gatehouse.client.session-bound.v1', t(2), 'phone'],
        ['gatehouse.client.session-ended.v1', t(3), 'phone'],
      ],
    );
    assert.deepEqual((facts()[0]?.data as { userAgent?: unknown }).userAgent, { software: 'Conversations' }, 'empty children dropped');
  });

  it('clears a session that authenticated and closed without binding', async () => {
    const { deps, facts } = testIntake();
    const intake = new SessionIntake(deps);
    for (const event of [login({ clientId: 'phone' }), closed()]) await intake.handle(event);
    assert.deepEqual(facts().map((fact) => fact.type), ['gatehouse.client.authenticated.v1', 'gatehouse.client.session-ended.v1']);
  });

  it('finds the client of a binding in the session history after a restart', async () => {
    const { deps, facts, histories } = testIntake();
    histories.set(sid, [login({ clientId: 'phone' })]);
    await new SessionIntake(deps).handle(bound());
    assert.deepEqual(facts().map((fact) => fact.type), ['gatehouse.client.authenticated.v1', 'gatehouse.client.session-bound.v1']);
  });

  it('handles a redelivered event once', async () => {
    const { deps, facts } = testIntake();
    const intake = new SessionIntake(deps);
    const event = login({ clientId: 'phone' });
    await intake.handle(event);
    await intake.handle(event);
    await intake.handle(bound());
    await intake.handle(bound());
    assert.equal(facts().length, 2);
  });

  it('drops a login of an account deleted since', async () => {
    const { deps, facts } = testIntake({ account: { createdAt: t(0), deletedAt: t(9) } });
    await new SessionIntake(deps).handle(login({ clientId: 'phone' }));
    assert.deepEqual(facts(), []);
  });
});

describe('session intake: legacy clients (no user-agent id, §1.2)', () => {
  it('names the client at binding, with 12 random characters, and matches it again by full JID', async () => {
    const { deps, facts, legacy } = testIntake();
    const intake = new SessionIntake(deps);
    for (const event of [login(), bound(), ended(), closed()]) await intake.handle(event);
    const second = 'BBBBBBBBBBBBBBBBBBBBBB';
    for (const event of [login({ sessionId: second }), bound('balcony', second)]) await intake.handle(event);
    const id = legacy.get(`${jid}/balcony`);
    assert.ok(id);
    assert.deepEqual(new Set(facts().map((fact) => fact.data.clientId)), new Set([id]));
    const first = facts()[0];
    assert.equal(first?.type, 'gatehouse.client.authenticated.v1');
    assert.equal(first?.time, t(1), 'the login time, not the binding time');
    assert.equal((first?.data as { legacy: boolean }).legacy, true);
  });

  it('makes a new client for another resource', async () => {
    const { deps, legacy } = testIntake();
    const intake = new SessionIntake(deps);
    const second = 'BBBBBBBBBBBBBBBBBBBBBB';
    for (const event of [login(), bound('one'), login({ sessionId: second }), bound('two', second)]) await intake.handle(event);
    assert.equal(legacy.size, 2);
  });

  it('reads the login from the session history when the binding comes after a restart', async () => {
    const { deps, facts, histories } = testIntake();
    histories.set(sid, [login()]);
    await new SessionIntake(deps).handle(bound());
    assert.deepEqual(facts().map((fact) => fact.type), ['gatehouse.client.authenticated.v1', 'gatehouse.client.session-bound.v1']);
  });

  it('makes no legacy client under ENFORCE_CLIENT_IDS', async () => {
    const { deps, facts, histories } = testIntake({ enforceClientIds: true });
    const intake = new SessionIntake(deps);
    for (const event of [login(), bound()]) await intake.handle(event);
    histories.set('CCCCCCCCCCCCCCCCCCCCCC', [login({ sessionId: 'CCCCCCCCCCCCCCCCCCCCCC' })]);
    await intake.handle(bound('x', 'CCCCCCCCCCCCCCCCCCCCCC'));
    assert.deepEqual(facts(), []);
  });

  it('ignores a binding of a session that never authenticated', async () => {
    const { deps, facts } = testIntake();
    await new SessionIntake(deps).handle(bound());
    assert.deepEqual(facts(), []);
  });
});
