import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlAccessCutData } from '@gatehouse/events';
import { createMemoryEventStore, MemoryEventLog } from '@gatehouse/event-store';
import { createEvent, namesFor } from '@gatehouse/events';
import { clientAggregate } from '../client/aggregate.ts';
import type { ClientFact, ClientKey } from '../client/client.ts';
import { ClientNotFoundError } from '../client/decide.ts';
import { AccountNotFoundError, PasswordResetRequiredError } from '../errors.ts';
import { accountEvents } from '../intake/test-intake.ts';
import type { LoginFacts } from '../logins/login-facts.ts';
import { foldClients, registrySource } from '../store/clients.ts';
import { revokeClient } from './revoke.ts';
import { parseSelector } from './selector.ts';

const jid = 'juliet@capulet.lit';
const now = new Date('2025-03-01T12:00:00.000Z');
const grantId = 'GGGGGGGGGGGGGGGGGGGGGG';
const t = (minute: number) => `2025-03-01T11:${String(minute).padStart(2, '0')}:00.000Z`;

const login = (clientId: string, at: string, mechanism = 'SCRAM-SHA-1', software = 'Gajim'): ClientFact => ({
  type: 'gatehouse.client.authenticated.v1',
  time: at,
  data: { jid, clientId, sessionId: `S${clientId.padEnd(21, 'x')}`.slice(0, 22), legacy: false, mechanism, method: mechanism.startsWith('HT-') ? 'fast' : 'password', userAgent: { software } },
});
const bound = (clientId: string): ClientFact => ({
  type: 'gatehouse.client.session-bound.v1',
  time: t(1),
  data: { jid, clientId, sessionId: `S${clientId.padEnd(21, 'x')}`.slice(0, 22), fullJid: `${jid}/${clientId}` },
});
const granted = (clientId: string, id = grantId): ClientFact => ({ type: 'gatehouse.client.granted.v1', time: t(0), data: { jid, clientId, grantId: id, authenticatedBy: 'fast' } });
const token = (clientId: string): ClientFact => ({
  type: 'gatehouse.client.fast-token-issued.v1',
  time: t(0),
  data: { jid, clientId, tokenId: 'TTTTTTTTTTTTTTTTTTTTTT', expiresAt: '2025-03-20T00:00:00.000Z' },
});

const names = namesFor('unit');

function setup(history: ClientFact[], accounts = [jid]) {
  const log = new MemoryEventLog();
  for (const fact of history) {
    const subject = names.subjects.client(fact.data.jid, fact.data.clientId);
    log.stored.push({ event: createEvent(fact.type, { subject, source: registrySource, time: fact.time, data: fact.data as never }), sequence: log.stored.length + 1 });
  }
  const clients = createMemoryEventStore(clientAggregate(names), { log, source: registrySource, clock: () => now, retryJitterMs: 0 });
  const grantsRevoked: ClientKey[] = [];
  const notices: ControlAccessCutData[] = [];
  /** What happened, in order: the revocation stored, the grant revoked, the notice published. */
  const steps: string[] = [];
  const revokedEvents = () => log.stored.flatMap(({ event }) => (event.type === 'gatehouse.client.revoked.v1' ? [event] : []));
  const deps = {
    clients,
    clientsOf: async (account: string) => foldClients(accountEvents(log, account)),
    // What the projections service projects from these (pre-v2) client events: the record's sessions and uses.
    loginsOf: async (account: string) =>
      new Map(
        [...foldClients(accountEvents(log, account))].flatMap(([clientId, state]): [string, LoginFacts][] =>
          state.status === 'unknown'
            ? []
            : [[clientId, { sessions: state.sessions, lastSeen: state.lastSeen, ...(state.passwordUsedAt ? { passwordUsedAt: state.passwordUsedAt } : {}), ...(state.fastUsedAt ? { fastUsedAt: state.fastUsedAt } : {}) }]],
        ),
      ),
    clock: () => now,
    async revokeGrant(key: ClientKey) {
      steps.push(`grant revoked (${revokedEvents().length} client.revoked stored)`);
      grantsRevoked.push(key);
    },
    async publishAccessCut(notice: ControlAccessCutData) {
      steps.push('access-cut');
      notices.push(notice);
    },
    accountExists: async (account: string) => accounts.includes(account),
  };
  const revoked = () => revokedEvents().map((event) => event.data);
  const revokedIds = () => revokedEvents().map((event) => event.id);
  return { deps, revoked, revokedIds, grantsRevoked, notices, steps };
}

describe('revokeClient', () => {
  it('revokes a FAST client: the decision stored, grant and tokens revoked, then the access-cut notice; no error', async () => {
    const { deps, revoked, revokedIds, grantsRevoked, notices, steps } = setup([granted('phone'), login('phone', t(1), 'HT-SHA-256-NONE'), bound('phone'), token('phone')]);
    await revokeClient(deps, { jid, id: 'client/phone', reason: 'revoked-by-user' });
    assert.deepEqual(grantsRevoked, [{ jid, clientId: 'phone' }]);
    assert.deepEqual(revoked(), [{ jid, clientId: 'phone', fullJids: [`${jid}/phone`], grantId, reason: 'revoked-by-user' }]);
    assert.deepEqual(steps, ['grant revoked (1 client.revoked stored)', 'access-cut']);
    const [id] = revokedIds();
    assert.ok(id);
    assert.deepEqual(notices, [
      { jid, reason: 'client-revoked', clientId: 'phone', fullJids: [`${jid}/phone`], cause: { type: 'gatehouse.client.revoked.v1', id } },
    ]);
  });

  it('heals a revocation cut short: asked again, it revokes the grant and publishes the same notice again, then says not found', async () => {
    const { deps, revoked, revokedIds, notices, steps } = setup([granted('phone'), login('phone', t(1), 'HT-SHA-256-NONE'), bound('phone'), token('phone')]);
    // The first attempt stored client.revoked and died before the token service answered.
    await assert.rejects(revokeClient({ ...deps, revokeGrant: async () => Promise.reject(new Error('token service down')) }, { jid, id: 'client/phone', reason: 'revoked-by-user' }));
    assert.equal(notices.length, 0, 'no notice before the grant is revoked');
    await assert.rejects(revokeClient(deps, { jid, id: 'client/phone', reason: 'revoked-by-user' }), ClientNotFoundError);
    assert.equal(revoked().length, 1, 'the decision is not stored twice');
    assert.deepEqual(steps, ['grant revoked (1 client.revoked stored)', 'access-cut']);
    assert.deepEqual(notices.map((notice) => notice.cause.id), revokedIds());
  });

  it('cuts off a password client all the same, then says a password reset is required', async () => {
    const { deps, revoked, grantsRevoked } = setup([login('laptop', t(1)), bound('laptop'), granted('laptop')]);
    await assert.rejects(revokeClient(deps, { jid, id: 'client/laptop', reason: 'revoked-by-user' }), PasswordResetRequiredError);
    assert.equal(grantsRevoked.length, 1);
    assert.equal(revoked().length, 1);
  });

  it('revokes a grant and closes the sessions that used it (Prosody does not), with no password error', async () => {
    const { deps, revoked } = setup([login('laptop', t(1)), bound('laptop'), granted('laptop')]);
    await revokeClient(deps, { jid, id: `grant/${grantId}`, reason: 'revoked-by-user' });
    assert.deepEqual(revoked()[0]?.fullJids, [`${jid}/laptop`]);
  });

  it('revokes the first listed client of a software only', async () => {
    const { deps, revoked } = setup([login('old', t(1), 'HT-SHA-256-NONE', 'Dino'), bound('old'), login('new', t(5), 'HT-SHA-256-NONE', 'Dino'), bound('new')]);
    await revokeClient(deps, { jid, id: 'software/Dino', reason: 'revoked-by-user' });
    assert.deepEqual(revoked().map((data) => data.clientId), ['old']);
  });

  it('answers item-not-found for unknown, inactive and malformed ids, and does nothing', async () => {
    const { deps, revoked, grantsRevoked } = setup([login('gone', t(1)), { type: 'gatehouse.client.password-changed.v1', time: t(2), data: { jid, clientId: 'gone' } }]);
    for (const id of ['client/nobody', 'client/gone', 'grant/nope', 'software/Nothing', 'bogus', 'thing/x', '', 'client/']) {
      await assert.rejects(revokeClient(deps, { jid, id, reason: 'revoked-by-user' }), ClientNotFoundError, id);
    }
    assert.deepEqual(revoked(), []);
    assert.deepEqual(grantsRevoked, []);
  });

  it('says account-not-found for an account that does not exist', async () => {
    const { deps } = setup([], []);
    await assert.rejects(revokeClient(deps, { jid, id: 'client/x', reason: 'revoked-by-admin' }), AccountNotFoundError);
  });
});

describe('parseSelector', () => {
  it('reads client/, grant/ and software/ ids, keeping slashes after the first', () => {
    assert.deepEqual(parseSelector('client/conversations.im/6b1e'), { kind: 'client', clientId: 'conversations.im/6b1e' });
    assert.deepEqual(parseSelector('grant/HjEEr45_LQr'), { kind: 'grant', grantId: 'HjEEr45_LQr' });
    assert.deepEqual(parseSelector('software/Gajim/1.8'), { kind: 'software', software: 'Gajim/1.8' });
    for (const id of ['', 'client', 'client/', '/x', 'cli_ent/x', 'oauth/x']) assert.equal(parseSelector(id), undefined, id);
  });
});
