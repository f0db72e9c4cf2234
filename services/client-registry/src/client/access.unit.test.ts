import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeClients, clientAccess } from './access.ts';
import { evolve, initialState, isPasswordMechanism, type ClientFact, type ClientState } from './client.ts';

const jid = 'juliet@capulet.lit';
const key = { jid, clientId: 'phone' };
const now = new Date('2025-03-01T12:00:00.000Z');
const t = (minute: number) => `2025-03-01T11:${String(minute).padStart(2, '0')}:00.000Z`;
const fold = (facts: ClientFact[]): ClientState => facts.reduce(evolve, initialState());
const known = (facts: ClientFact[]) => {
  const state = fold(facts);
  if (state.status === 'unknown') throw new Error('unknown');
  return state;
};

const login = (at: string, mechanism = 'SCRAM-SHA-1', sessionId = 'AAAAAAAAAAAAAAAAAAAAAA', software = 'Gajim'): ClientFact => ({
  type: 'gatehouse.client.authenticated.v1',
  time: at,
  data: { ...key, sessionId, legacy: false, mechanism, method: mechanism.startsWith('HT-') ? 'fast' : 'password', userAgent: { software } },
});

describe('client state', () => {
  it('freezes the user agent at first sight and widens first/last seen whatever the order', () => {
    const state = known([login(t(10)), login(t(5), 'SCRAM-SHA-1', 'BBBBBBBBBBBBBBBBBBBBBB', 'Other'), login(t(20), 'PLAIN', 'CCCCCCCCCCCCCCCCCCCCCC', 'Third')]);
    assert.deepEqual(state.userAgent, { software: 'Gajim' });
    assert.equal(state.firstSeen, t(5));
    assert.equal(state.lastSeen, t(20));
    assert.equal(state.passwordUsedAt, t(20));
    assert.deepEqual(state.mechanisms, { 'SCRAM-SHA-1': t(10), PLAIN: t(20) });
  });

  it('counts every mechanism but OAUTHBEARER and HT-* as a password, as mod_client_management does', () => {
    assert.deepEqual(['PLAIN', 'SCRAM-SHA-256-PLUS', 'OAUTHBEARER', 'HT-SHA-256-NONE'].map(isPasswordMechanism), [true, true, false, false]);
    const state = known([login(t(1), 'HT-SHA-256-NONE')]);
    assert.equal(state.passwordUsedAt, undefined);
    assert.equal(state.fastUsedAt, t(1));
  });

  it('takes the user agent from a later fact when the first had none', () => {
    const bare: ClientFact = { type: 'gatehouse.client.granted.v1', time: t(1), data: { ...key, grantId: 'GGGGGGGGGGGGGGGGGGGGGG', authenticatedBy: 'fast' } };
    assert.deepEqual(known([bare, login(t(2))]).userAgent, { software: 'Gajim' });
    assert.deepEqual(known([bare, login(t(2)), login(t(3), 'PLAIN', 'BBBBBBBBBBBBBBBBBBBBBB', 'Other')]).userAgent, { software: 'Gajim' });
  });

  it('starts over after being forgotten', () => {
    assert.deepEqual(fold([login(t(1)), { type: 'gatehouse.client.forgotten.v1', time: t(2), data: { ...key, reason: 'account-deleted' } }]), { status: 'unknown' });
  });

  it('is known again, not revoked, after a login that follows the revocation', () => {
    const revoked: ClientFact = { type: 'gatehouse.client.revoked.v1', time: t(3), data: { ...key, fullJids: [], reason: 'revoked-by-user' } };
    assert.equal(fold([login(t(1)), revoked]).status, 'revoked');
    assert.equal(fold([login(t(1)), revoked, login(t(4), 'SCRAM-SHA-1', 'DDDDDDDDDDDDDDDDDDDDDD')]).status, 'known');
  });
});

describe('clientAccess (docs/client-management.md: what gives access)', () => {
  const grant: ClientFact = { type: 'gatehouse.client.granted.v1', time: t(2), data: { ...key, grantId: 'GGGGGGGGGGGGGGGGGGGGGG', authenticatedBy: 'password' } };
  const token = (issuedAt: string, expiresAt: string): ClientFact => ({
    type: 'gatehouse.client.fast-token-issued.v1',
    time: issuedAt,
    data: { ...key, tokenId: 'TTTTTTTTTTTTTTTTTTTTTT', expiresAt },
  });
  const changed = (at: string): ClientFact => ({ type: 'gatehouse.client.password-changed.v1', time: at, data: key });

  it('password: only a login made since the last password change', () => {
    assert.equal(clientAccess(known([login(t(1))]), now).password, true);
    assert.equal(clientAccess(known([login(t(1)), changed(t(2))]), now).password, false);
    assert.equal(clientAccess(known([login(t(0)), changed(t(1)), login(t(2), 'SCRAM-SHA-1', 'BBBBBBBBBBBBBBBBBBBBBB')]), now).password, true);
    assert.equal(clientAccess(known([login(t(3)), changed(t(2))]), now).password, true, 'a change read after a later login');
  });

  it('grant: while it is live and newer than the password', () => {
    assert.equal(clientAccess(known([grant]), now).grant, true);
    assert.equal(clientAccess(known([grant, changed(t(3))]), now).grant, false);
  });

  it('fast: while it holds an unexpired token issued since the password change, used or not', () => {
    assert.equal(clientAccess(known([grant, token(t(2), '2025-03-02T00:00:00.000Z')]), now).fast, true);
    assert.equal(clientAccess(known([grant, token(t(2), now.toISOString())]), now).fast, false, 'void at its expiry instant');
    assert.equal(clientAccess(known([grant, token(t(2), '2025-03-02T00:00:00.000Z'), changed(t(3))]), now).fast, false);
  });

  it('connected: a bound session not ended', () => {
    const bound: ClientFact = { type: 'gatehouse.client.session-bound.v1', time: t(1), data: { ...key, sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', fullJid: `${jid}/a` } };
    assert.equal(clientAccess(known([login(t(1))]), now).connected, false, 'authenticated, not bound');
    assert.equal(clientAccess(known([login(t(1)), bound]), now).connected, true);
  });
});

describe('activeClients: the listing, as mod_client_management builds it', () => {
  const client = (clientId: string, facts: ClientFact[]): [string, ClientState] => [
    clientId,
    facts.map((fact) => ({ ...fact, data: { ...fact.data, clientId } }) as ClientFact).reduce(evolve, initialState()),
  ];

  it('lists clients with access, oldest last use first, then first seen, then id', () => {
    const listed = activeClients(
      jid,
      [
        client('b', [login(t(5))]),
        client('a', [login(t(5))]),
        client('c', [login(t(1))]),
        client('gone', [login(t(1)), { type: 'gatehouse.client.password-changed.v1', time: t(2), data: key }]),
        client('access', [{ type: 'gatehouse.client.granted.v1', time: t(3), data: { ...key, grantId: 'GGGGGGGGGGGGGGGGGGGGGG', authenticatedBy: 'fast' } }]),
      ],
      now,
    );
    assert.deepEqual(
      listed.map((entry) => entry.id),
      ['client/c', 'grant/GGGGGGGGGGGGGGGGGGGGGG', 'client/a', 'client/b'],
    );
  });
});
