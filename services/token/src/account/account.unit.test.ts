import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScramCredentials } from '@gatehouse/events';
import { deciderSpec } from '@gatehouse/testing';
import { evolve, initialState, type AccountFact } from './account.ts';
import { AccountExistsError, AccountNotFoundError, decide, type AccountCommand } from './decide.ts';

const jid = 'alice@localhost';
const now = new Date('2025-01-02T03:04:05.000Z');
const earlier = '2025-01-01T00:00:00.000Z';

const credential = (fill: string) => ({ salt: fill, iterations: 4096, storedKey: fill, serverKey: fill });
const oldCredentials: ScramCredentials = { 'SCRAM-SHA-1': credential('AAAA'), 'SCRAM-SHA-256': credential('BBBB') };
const newCredentials: ScramCredentials = { 'SCRAM-SHA-1': credential('CCCC'), 'SCRAM-SHA-256': credential('DDDD') };

const created = (time = earlier): AccountFact => ({
  type: 'gatehouse.account.created.v1',
  time,
  data: { jid, credentials: oldCredentials },
});
const deleted = (time = earlier): AccountFact => ({ type: 'gatehouse.account.deleted.v1', time, data: { jid } });

const spec = deciderSpec<AccountCommand, AccountFact, ReturnType<typeof initialState>>({
  decide: (command, state) => decide(command, state, now),
  evolve,
  initialState,
});

describe('account: absent', () => {
  it('is created with the given credentials', () => {
    spec
      .given([])
      .when({ type: 'CreateAccount', jid, credentials: oldCredentials })
      .then([created(now.toISOString())]);
  });

  it('has no password to change', () => {
    spec.given([]).when({ type: 'ChangePassword', jid, credentials: newCredentials }).thenThrows(AccountNotFoundError);
  });

  it('cannot be deleted', () => {
    spec
      .given([])
      .when({ type: 'DeleteAccount', jid })
      .thenThrows(AccountNotFoundError, (error) => assert.equal(error.code, 'account-not-found'));
  });
});

describe('account: active', () => {
  it('cannot be created again', () => {
    spec
      .given([created()])
      .when({ type: 'CreateAccount', jid, credentials: newCredentials })
      .thenThrows(AccountExistsError, (error) => assert.equal(error.code, 'account-exists'));
  });

  it('changes its password', () => {
    spec
      .given([created()])
      .when({ type: 'ChangePassword', jid, credentials: newCredentials })
      .then([{ type: 'gatehouse.account.password-changed.v1', time: now.toISOString(), data: { jid, credentials: newCredentials } }]);
  });

  it('is deleted', () => {
    spec.given([created()]).when({ type: 'DeleteAccount', jid }).then([deleted(now.toISOString())]);
  });
});

describe('account: deleted', () => {
  it('may be created again', () => {
    spec
      .given([created(), deleted()])
      .when({ type: 'CreateAccount', jid, credentials: newCredentials })
      .then([{ type: 'gatehouse.account.created.v1', time: now.toISOString(), data: { jid, credentials: newCredentials } }]);
  });

  it('has no password to change', () => {
    spec
      .given([created(), deleted()])
      .when({ type: 'ChangePassword', jid, credentials: newCredentials })
      .thenThrows(AccountNotFoundError);
  });

  it('cannot be deleted twice', () => {
    spec.given([created(), deleted()]).when({ type: 'DeleteAccount', jid }).thenThrows(AccountNotFoundError);
  });
});

describe('account: evolve', () => {
  it('records when the password last changed, creation included', () => {
    const changedAt = '2025-01-01T12:00:00.000Z';
    const afterCreate = evolve(initialState(), created());
    assert.equal(afterCreate.status === 'active' && afterCreate.passwordChangedAt, earlier);
    const afterChange = evolve(afterCreate, {
      type: 'gatehouse.account.password-changed.v1',
      time: changedAt,
      data: { jid, credentials: newCredentials },
    });
    assert.deepEqual(afterChange, {
      status: 'active',
      jid,
      credentials: newCredentials,
      createdAt: earlier,
      passwordChangedAt: changedAt,
    });
  });

  it('starts a re-created account afresh', () => {
    const state = [created(), deleted(), created('2025-01-03T00:00:00.000Z')].reduce(evolve, initialState());
    assert.equal(state.status === 'active' && state.createdAt, '2025-01-03T00:00:00.000Z');
  });
});
