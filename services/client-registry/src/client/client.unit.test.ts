import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deciderSpec } from '@gatehouse/testing';
import { evolve, initialState, type ClientFact, type ClientState } from './client.ts';
import { clientAccess } from './access.ts';
import { ClientNotFoundError, decide, type ClientCommand } from './decide.ts';
import { withLogins } from './with-logins.ts';

const now = new Date('2025-03-01T12:00:00.000Z');
const spec = deciderSpec<ClientCommand, ClientFact, ReturnType<typeof initialState>>({
  decide: (command, state) => decide(command, state, now),
  evolve,
  initialState,
});

const jid = 'juliet@capulet.lit';
const clientId = '5d4f0b57-2f3c-4bd6-9d1a-0c3c8f2b9e11';
const key = { jid, clientId };
const sid = 'AAAAAAAAAAAAAAAAAAAAAA';
const sid2 = 'BBBBBBBBBBBBBBBBBBBBBB';
const grantId = 'GGGGGGGGGGGGGGGGGGGGGG';
const tokenId = 'TTTTTTTTTTTTTTTTTTTTTT';
const fullJid = `${jid}/balcony`;
const t = (minute: number) => `2025-03-01T11:${String(minute).padStart(2, '0')}:00.000Z`;

const authenticated = (at = t(0), over: Partial<Extract<ClientFact, { type: 'gatehouse.client.authenticated.v1' }>['data']> = {}): ClientFact => ({
  type: 'gatehouse.client.authenticated.v1',
  time: at,
  data: { ...key, sessionId: sid, legacy: false, mechanism: 'SCRAM-SHA-256', method: 'password', userAgent: { software: 'Gajim' }, ...over },
});
const bound = (at = t(0), session = sid, to = fullJid): ClientFact => ({
  type: 'gatehouse.client.session-bound.v1',
  time: at,
  data: { ...key, sessionId: session, fullJid: to },
});
const ended = (at = t(1), session = sid): ClientFact => ({
  type: 'gatehouse.client.session-ended.v1',
  time: at,
  data: { ...key, sessionId: session, fullJid },
});
const granted = (at = t(0), authenticatedBy: 'password' | 'fast' = 'fast'): ClientFact => ({
  type: 'gatehouse.client.granted.v1',
  time: at,
  data: { ...key, grantId, authenticatedBy },
});
const tokenIssued = (at = t(0), expiresAt = '2025-03-20T00:00:00.000Z'): ClientFact => ({
  type: 'gatehouse.client.fast-token-issued.v1',
  time: at,
  data: { ...key, tokenId, expiresAt },
});
const passwordChanged = (at: string): ClientFact => ({ type: 'gatehouse.client.password-changed.v1', time: at, data: key });
const revoked = (fullJids: string[], over: { grantId?: string; reason?: string } = {}): ClientFact => ({
  type: 'gatehouse.client.revoked.v1',
  time: now.toISOString(),
  data: { ...key, fullJids, ...(over.grantId ? { grantId: over.grantId } : {}), reason: over.reason ?? 'revoked-by-user' },
});

const seen = (at = t(0), change: 'first-seen' | 'returned' | 'user-agent-learned' = 'first-seen', over: { sessionId?: string; userAgent?: { software: string } } = {}): ClientFact => ({
  type: 'gatehouse.client.seen.v1',
  time: at,
  data: { ...key, sessionId: over.sessionId ?? sid, change, legacy: false, mechanism: 'SCRAM-SHA-256', method: 'password', userAgent: over.userAgent ?? { software: 'Gajim' } },
});

const authenticate = (at = t(0), over: Partial<Extract<ClientCommand, { type: 'RecordAuthentication' }>> = {}): ClientCommand => ({
  type: 'RecordAuthentication',
  ...key,
  at,
  sessionId: sid,
  legacy: false,
  mechanism: 'SCRAM-SHA-256',
  method: 'password',
  userAgent: { software: 'Gajim' },
  ...over,
});
const revoke = (over: Partial<Extract<ClientCommand, { type: 'RevokeClient' }>> = {}): ClientCommand => ({
  type: 'RevokeClient',
  ...key,
  reason: 'revoked-by-user',
  ...over,
});

describe('client decider: an unknown client', () => {
  it('becomes known at its first login', () => {
    spec.given([]).when(authenticate()).then([seen()]);
  });

  it('is not made known from the history of an account deleted since', () => {
    spec.given([]).when(authenticate(t(0), { account: { createdAt: t(0), deletedAt: t(5) } })).then([]);
  });

  it('is not made known by a login older than the account registered again since', () => {
    spec.given([]).when(authenticate(t(1), { account: { createdAt: t(3) } })).then([]);
  });

  it("learns the account's last password change with its first login, whatever order the streams came in", () => {
    spec
      .given([])
      .when(authenticate(t(1), { account: { createdAt: t(0), passwordChangedAt: t(4) } }))
      .then([seen(t(1)), passwordChanged(t(4))]);
  });

  it('becomes known, as an access-only client, when the account grants it access', () => {
    spec
      .given([])
      .when({ type: 'RecordGrant', ...key, at: t(0), grantId, authenticatedBy: 'fast' })
      .then([granted()]);
  });

  it('ignores tokens and password changes of a client it does not know', () => {
    for (const command of [
      { type: 'RecordFastToken', ...key, at: t(0), tokenId, expiresAt: t(9) },
      { type: 'RecordFastTokenInvalidation', ...key, at: t(0), tokenId },
      { type: 'RecordPasswordChange', ...key, at: t(0) },
      { type: 'ForgetClient', ...key, at: t(0), reason: 'account-deleted' },
    ] satisfies ClientCommand[]) {
      spec.given([]).when(command).then([]);
    }
  });

  it('cannot be revoked: item-not-found', () => {
    spec.given([]).when(revoke()).thenThrows(ClientNotFoundError, (error) => assert.equal(error.code, 'item-not-found'));
  });
});

describe('client decider: a known client', () => {
  it('appends nothing for a routine login, whether its history is pre-v2 or v2 (catalog v2)', () => {
    spec.given([authenticated()]).when(authenticate(t(2), { sessionId: sid2 })).then([]);
    spec.given([seen()]).when(authenticate(t(2), { sessionId: sid2, method: 'fast', mechanism: 'HT-SHA-256-NONE' })).then([]);
    spec.given([seen()]).when(authenticate(t(0))).then([]);
  });

  it('appends client.seen when the login changes the client: user agent first given, first session of a granted client', () => {
    const withoutAgent: ClientFact = {
      type: 'gatehouse.client.seen.v1',
      time: t(0),
      data: { ...key, sessionId: sid, change: 'first-seen', legacy: false, mechanism: 'SCRAM-SHA-256', method: 'password' },
    };
    spec
      .given([withoutAgent])
      .when(authenticate(t(2), { sessionId: sid2 }))
      .then([seen(t(2), 'user-agent-learned', { sessionId: sid2 })]);
    spec.given([granted()]).when(authenticate(t(2))).then([seen(t(2))]);
  });

  it('appends client.seen change=returned for a login after a revocation, and nothing for a login from before it', () => {
    const after = new Date(now.getTime() + 60_000).toISOString();
    spec.given([seen(), revoked([fullJid])]).when(authenticate(after, { sessionId: sid2 })).then([seen(after, 'returned', { sessionId: sid2 })]);
    spec.given([authenticated(), bound(), revoked([fullJid])]).when(authenticate()).then([]);
  });

  it('records a grant and its revocation, each once', () => {
    spec.given([authenticated()]).when({ type: 'RecordGrant', ...key, at: t(0), grantId, authenticatedBy: 'fast' }).then([granted()]);
    spec.given([granted()]).when({ type: 'RecordGrant', ...key, at: t(1), grantId, authenticatedBy: 'fast' }).then([]);
    spec
      .given([granted()])
      .when({ type: 'RecordGrantRevocation', ...key, at: t(3), grantId, reason: 'password-changed' })
      .then([{ type: 'gatehouse.client.grant-revoked.v1', time: t(3), data: { ...key, grantId, reason: 'password-changed' } }]);
  });

  it('ignores the revocation of another (older) grant', () => {
    const other = 'OOOOOOOOOOOOOOOOOOOOOO';
    spec.given([granted()]).when({ type: 'RecordGrantRevocation', ...key, at: t(2), grantId: other, reason: 'x' }).then([]);
  });

  it('records a FAST token it is handed and its invalidation, each once', () => {
    const issue: ClientCommand = { type: 'RecordFastToken', ...key, at: t(0), tokenId, expiresAt: '2025-03-20T00:00:00.000Z' };
    spec.given([granted()]).when(issue).then([tokenIssued()]);
    spec.given([granted(), tokenIssued()]).when(issue).then([]);
    const invalidate: ClientCommand = { type: 'RecordFastTokenInvalidation', ...key, at: t(1), tokenId };
    spec.given([granted(), tokenIssued()]).when(invalidate).then([{ type: 'gatehouse.client.fast-token-invalidated.v1', time: t(1), data: { ...key, tokenId } }]);
    spec.given([granted()]).when(invalidate).then([]);
  });

  it('records a password change newer than the last it knows of', () => {
    spec.given([authenticated()]).when({ type: 'RecordPasswordChange', ...key, at: t(5) }).then([passwordChanged(t(5))]);
    spec.given([authenticated(), passwordChanged(t(5))]).when({ type: 'RecordPasswordChange', ...key, at: t(5) }).then([]);
    spec.given([authenticated(), passwordChanged(t(5))]).when({ type: 'RecordPasswordChange', ...key, at: t(4) }).then([]);
  });

  it('is forgotten with its account', () => {
    spec
      .given([authenticated()])
      .when({ type: 'ForgetClient', ...key, at: t(9), reason: 'account-deleted' })
      .then([{ type: 'gatehouse.client.forgotten.v1', time: t(9), data: { ...key, reason: 'account-deleted' } }]);
  });
});

describe('client records from pre-v2 history', () => {
  it('fold to the record the same logins make in catalog v2 (client.seen, and the logins the projections service reports)', () => {
    const fold = (facts: ClientFact[]) => facts.reduce(evolve, initialState());
    const before = fold([authenticated(t(0)), bound(t(0)), ended(t(1)), granted(t(2)), authenticated(t(3), { sessionId: sid2 }), bound(t(3), sid2)]);
    const v2 = withLogins(fold([seen(t(0)), granted(t(2))]), {
      sessions: { [sid2]: { at: t(3), fullJid } },
      lastSeen: t(3),
      passwordUsedAt: t(3),
    });
    // Per-mechanism uses and the last full JID are not fetched: no decision reads them, and the
    // gateway closes a client's sessions by client id as well as by full JID.
    const { mechanisms: _mechanisms, lastFullJid: _lastFullJid, ...decidedOn } = before as Extract<ClientState, { status: 'known' }>;
    assert.deepEqual(v2, { ...decidedOn, mechanisms: { 'SCRAM-SHA-256': t(0) } });
    assert.ok(before.status === 'known' && v2.status === 'known');
    assert.deepEqual(clientAccess(before, now), clientAccess(v2, now));
  });
});

describe('client decider: revoking', () => {
  it('names the full JIDs of its bound sessions and its grant', () => {
    spec.given([authenticated(), bound(), granted()]).when(revoke()).then([revoked([fullJid], { grantId })]);
  });

  it('revokes a client that only holds a FAST token', () => {
    spec.given([granted(), tokenIssued()]).when(revoke({ reason: 'revoked-by-admin' })).then([revoked([], { grantId, reason: 'revoked-by-admin' })]);
  });

  it('names a legacy client by its full JID even with no session bound now', () => {
    const legacyLogin: ClientFact = {
      type: 'gatehouse.client.authenticated.v1',
      time: t(0),
      data: { ...key, sessionId: sid, legacy: true, mechanism: 'PLAIN', method: 'password' },
    };
    spec
      .given([legacyLogin, bound(), ended()])
      .when(revoke())
      .then([revoked([fullJid])]);
  });

  it('revokes a password client again (it may have logged in again since)', () => {
    spec.given([authenticated(), bound(), revoked([fullJid])]).when(revoke()).then([revoked([])]);
  });

  it('finds nothing to revoke once no access is left: item-not-found, not a crash', () => {
    spec.given([granted(), tokenIssued(), revoked([], { grantId })]).when(revoke()).thenThrows(ClientNotFoundError);
    spec.given([authenticated(), passwordChanged(t(5))]).when(revoke()).thenThrows(ClientNotFoundError);
    spec.given([granted(), tokenIssued(t(0), t(30))]).when(revoke()).then([revoked([], { grantId })]);
    spec
      .given([granted(t(0), 'password'), { type: 'gatehouse.client.grant-revoked.v1', time: t(1), data: { ...key, grantId, reason: 'x' } }, tokenIssued(t(0), t(30))])
      .when(revoke())
      .thenThrows(ClientNotFoundError);
  });

  it('decides on the logins fetched with the command: their live sessions, not the record\'s, and their password use', () => {
    spec
      .given([seen(t(0)), granted()])
      .when(revoke({ logins: { sessions: { [sid2]: { at: t(3), fullJid: `${key.jid}/desk` } }, lastSeen: t(3), passwordUsedAt: t(3) } }))
      .then([revoked([`${key.jid}/desk`], { grantId })]);
    spec.given([authenticated(), bound()]).when(revoke({ logins: { sessions: {} } })).then([revoked([])]);
    spec.given([seen(t(0)), passwordChanged(t(1))]).when(revoke({ logins: { sessions: {}, passwordUsedAt: t(2) } })).then([revoked([])]);
    spec.given([seen(t(0)), passwordChanged(t(1))]).when(revoke({ logins: { sessions: {} } })).thenThrows(ClientNotFoundError);
  });

  it('reports the grant it was asked to revoke it by', () => {
    spec.given([authenticated(), bound()]).when(revoke({ grantId })).then([revoked([fullJid], { grantId })]);
  });
});
