import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handleTokenEvent } from './token-intake.ts';
import { sourceEvent, testIntake } from './test-intake.ts';

const jid = 'juliet@capulet.lit';
const t = (second: number) => `2025-03-01T11:00:${String(second).padStart(2, '0')}.000Z`;
const sessionOf = (n: number) => `S${String(n).padStart(21, '0')}`;

const login = (clientId: string, n: number) =>
  sourceEvent('gatehouse.session.authentication-succeeded.v1', { sessionId: sessionOf(n), jid, mechanism: 'SCRAM-SHA-1', clientIp: '127.0.0.1', method: 'password', clientId }, t(n));
const bound = (n: number, resource = `r${n}`) => sourceEvent('gatehouse.session.resource-bound.v1', { sessionId: sessionOf(n), jid: `${jid}/${resource}`, replica: 'gw0' }, t(n));
const ended = (n: number, resource = `r${n}`) => sourceEvent('gatehouse.session.ended.v1', { sessionId: sessionOf(n), jid: `${jid}/${resource}`, reason: 'closed-by-client' }, t(n));
const legacyLogin = (n: number) =>
  sourceEvent('gatehouse.session.authentication-succeeded.v1', { sessionId: sessionOf(n), jid, mechanism: 'SCRAM-SHA-1', clientIp: '127.0.0.1', method: 'password' }, t(n));

describe('client records per account (CLIENT_REGISTRY_MAX_CLIENTS_PER_ACCOUNT)', () => {
  it('forgets the least recently seen client without a session or grant once past the bound', async () => {
    const { deps, view, facts, sessions: intake } = testIntake({ maxClientsPerAccount: 3 });
    // "online" stays connected; "granted" holds a grant; the rest come and go with fresh ids.
    await intake.handle(login('online', 1));
    await handleTokenEvent(sourceEvent('gatehouse.grant.created.v1', { jid, clientId: 'granted', grantId: 'GGGGGGGGGGGGGGGGGGGGGG', authenticatedBy: 'password' }, t(2)), deps);
    for (let n = 3; n <= 8; n++) {
      await intake.handle(login(`fresh${n}`, n));
      await intake.handle(ended(n));
    }
    const listed = view.statesOf(jid).filter(([, state]) => state.status !== 'unknown').map(([clientId]) => clientId);
    assert.deepEqual(listed.sort(), ['fresh8', 'granted', 'online']);
    const forgotten = facts().flatMap((fact) => (fact.type === 'gatehouse.client.forgotten.v1' ? [[fact.data.clientId, fact.data.reason]] : []));
    assert.deepEqual(forgotten, ['fresh3', 'fresh4', 'fresh5', 'fresh6', 'fresh7'].map((clientId) => [clientId, 'client-limit']));
  });

  it('bounds legacy clients (one per full JID) the same way, and never forgets one in use', async () => {
    const { view, sessions: intake } = testIntake({ maxClientsPerAccount: 2 });
    for (let n = 1; n <= 5; n++) {
      await intake.handle(legacyLogin(n));
      await intake.handle(bound(n));
    }
    // All five are online: none may go, the bound waits for them.
    assert.equal(view.statesOf(jid).filter(([, state]) => state.status !== 'unknown').length, 5);
    for (let n = 1; n <= 5; n++) await intake.handle(ended(n));
    await intake.handle(legacyLogin(6));
    await intake.handle(bound(6));
    assert.equal(view.statesOf(jid).filter(([, state]) => state.status !== 'unknown').length, 2);
  });

  it('brings an account it left over the bound back within it as its clients go idle', async () => {
    const { view, sessions: intake } = testIntake({ maxClientsPerAccount: 2 });
    for (let n = 1; n <= 3; n++) {
      await intake.handle(legacyLogin(n));
      await intake.handle(bound(n));
    }
    assert.equal(view.statesOf(jid).filter(([, state]) => state.status !== 'unknown').length, 3);
    for (let n = 1; n <= 3; n++) await intake.handle(ended(n));
    assert.equal(view.statesOf(jid).filter(([, state]) => state.status !== 'unknown').length, 2);
  });

  it('asks the stream for the count only when a client is made known, or the account was left over the bound', async () => {
    const { deps, sessions: intake } = testIntake({ maxClientsPerAccount: 3 });
    let counted = 0;
    const count = deps.clientCount;
    deps.clientCount = async (account) => {
      counted += 1;
      return count(account);
    };
    await intake.handle(login('phone', 1));
    await intake.handle(ended(1));
    await intake.handle(login('phone', 2));
    await intake.handle(ended(2));
    assert.equal(counted, 1, 'the first login made the client known; the rest changed no count');
  });
});
