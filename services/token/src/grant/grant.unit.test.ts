import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deciderSpec } from '@gatehouse/testing';
import { decide, GrantNotFoundError, type GrantCommand } from './decide.ts';

const MINUTE_MS = 60_000;
import { evolve, initialState, liveGrant, type GrantFact, type GrantState } from './grant.ts';

const jid = 'alice@localhost';
const clientId = 'c0ffee00-0000-4000-8000-000000000001';
const grantId = 'GGGGGGGGGGGGGGGGGGGGGG';
const newGrantId = 'HHHHHHHHHHHHHHHHHHHHHH';
const t0 = '2025-03-01T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(t0) + ms);
const accountCreated = '2025-02-01T00:00:00.000Z';

const created = (time = t0, userAgent = { software: 'Conversations', device: 'Pixel' }): GrantFact => ({
  type: 'gatehouse.grant.created.v1',
  time,
  data: { jid, clientId, grantId, authenticatedBy: 'password', userAgent },
});
const used = (time: string, authenticatedBy: 'password' | 'fast' = 'fast', id = grantId): GrantFact => ({
  type: 'gatehouse.grant.used.v1',
  time,
  data: { jid, clientId, grantId: id, authenticatedBy },
});
const revoked = (time: string, reason = 'revoked-by-user', id = grantId): GrantFact => ({
  type: 'gatehouse.grant.revoked.v1',
  time,
  data: { jid, clientId, grantId: id, reason },
});

const record = (authenticatedBy: 'password' | 'fast' = 'password', passwordChangedAt = accountCreated): GrantCommand => ({
  type: 'RecordGrant',
  jid,
  clientId,
  grantId: newGrantId,
  authenticatedBy,
  userAgent: { software: 'Gajim' },
  passwordChangedAt,
});

const specAt = (now: Date) =>
  deciderSpec<GrantCommand, GrantFact, GrantState>({ decide: (command, state) => decide(command, state, now), evolve, initialState });

describe('grant: absent', () => {
  it('is created at the first login with the client id, with how and the user agent', () => {
    specAt(at(0))
      .given([])
      .when(record())
      .then([
        {
          type: 'gatehouse.grant.created.v1',
          time: t0,
          data: { jid, clientId, grantId: newGrantId, authenticatedBy: 'password', userAgent: { software: 'Gajim' } },
        },
      ]);
  });

  it('cannot be revoked', () => {
    specAt(at(0))
      .given([])
      .when({ type: 'RevokeGrant', jid, clientId, reason: 'revoked-by-user' })
      .thenThrows(GrantNotFoundError, (error) => assert.equal(error.code, 'grant-not-found'));
  });
});

describe('grant: active', () => {
  it('stores nothing at a later login, by password or FAST (catalog v2: grant.used is no longer written)', () => {
    specAt(at(10 * MINUTE_MS)).given([created()]).when(record('password')).then([]);
    specAt(at(10 * MINUTE_MS)).given([created(), used(at(MINUTE_MS).toISOString())]).when(record('fast')).then([]);
  });

  it('is revoked with the reason given', () => {
    specAt(at(5)).given([created()]).when({ type: 'RevokeGrant', jid, clientId, reason: 'revoked-by-user' }).then([revoked(at(5).toISOString())]);
  });

  it('is revoked after a password change only if it predates the change', () => {
    const change = { type: 'RevokeGrant', jid, clientId, reason: 'password-changed' } as const;
    specAt(at(5)).given([created()]).when({ ...change, createdNotAfter: t0 }).then([revoked(at(5).toISOString(), 'password-changed')]);
    specAt(at(5)).given([created()]).when({ ...change, createdNotAfter: at(-1).toISOString() }).then([]);
  });

  it('is replaced at the next login when it predates a password change whose revocation was lost', () => {
    const changedAt = at(1000).toISOString();
    specAt(at(2000))
      .given([created()])
      .when(record('password', changedAt))
      .then([
        revoked(at(2000).toISOString(), 'password-changed'),
        {
          type: 'gatehouse.grant.created.v1',
          time: at(2000).toISOString(),
          data: { jid, clientId, grantId: newGrantId, authenticatedBy: 'password', userAgent: { software: 'Gajim' } },
        },
      ]);
  });
});

describe('grant: revoked', () => {
  it('is created afresh, with a new id, at the next login', () => {
    specAt(at(10))
      .given([created(), revoked(at(5).toISOString())])
      .when(record())
      .then([
        {
          type: 'gatehouse.grant.created.v1',
          time: at(10).toISOString(),
          data: { jid, clientId, grantId: newGrantId, authenticatedBy: 'password', userAgent: { software: 'Gajim' } },
        },
      ]);
  });

  it('is revoked once: a second revocation changes nothing', () => {
    specAt(at(10)).given([created(), revoked(at(5).toISOString())]).when({ type: 'RevokeGrant', jid, clientId, reason: 'revoked-by-user' }).then([]);
  });
});

describe('grant: evolve and liveGrant', () => {
  it('keeps when and how it was created and last used', () => {
    const state = [created(), used(at(90_000).toISOString())].reduce(evolve, initialState());
    assert.deepEqual(state, {
      status: 'active',
      grantId,
      createdAt: t0,
      authenticatedBy: 'password',
      userAgent: { software: 'Conversations', device: 'Pixel' },
      lastUsedAt: at(90_000).toISOString(),
      lastUsedBy: 'fast',
    });
  });

  it('ignores uses and revocations of an earlier grant', () => {
    const state = [created(), used(at(9).toISOString(), 'fast', newGrantId), revoked(at(9).toISOString(), 'x', newGrantId)].reduce(evolve, initialState());
    assert.equal(state.status, 'active');
    assert.equal(state.status === 'active' && state.lastUsedAt, t0);
  });

  it('is live only while active, for an active account, and not older than its password', () => {
    const active = evolve(initialState(), created());
    assert.equal(liveGrant(active, accountCreated)?.grantId, grantId);
    assert.equal(liveGrant(active, t0)?.grantId, grantId, 'created in the same instant as the change');
    assert.equal(liveGrant(active, at(1).toISOString()), undefined);
    assert.equal(liveGrant(active, undefined), undefined, 'no active account');
    assert.equal(liveGrant(evolve(active, revoked(at(1).toISOString())), accountCreated), undefined);
  });
});
