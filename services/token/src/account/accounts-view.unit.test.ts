import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScramCredentials } from '@gatehouse/events';
import type { AccountFact } from './account.ts';
import { AccountsView } from './accounts-view.ts';

const time = '2025-01-01T00:00:00.000Z';
const credential = { salt: 'AAAA', iterations: 4096, storedKey: 'AAAA', serverKey: 'AAAA' };
const credentials: ScramCredentials = { 'SCRAM-SHA-1': credential, 'SCRAM-SHA-256': credential };
const created = (jid: string): AccountFact => ({ type: 'gatehouse.account.created.v1', time, data: { jid, credentials } });
const deleted = (jid: string): AccountFact => ({ type: 'gatehouse.account.deleted.v1', time, data: { jid } });

describe('AccountsView', () => {
  it('knows nothing of an account without events', () => {
    assert.deepEqual(new AccountsView().get('nobody@localhost'), { state: { status: 'absent' }, sequence: 0 });
  });

  it('applies each sequence once, so an event seen twice is folded once', () => {
    const view = new AccountsView();
    view.apply(created('alice@localhost'), 1);
    view.apply(deleted('alice@localhost'), 2);
    view.apply(created('alice@localhost'), 1);
    assert.deepEqual(view.get('alice@localhost'), { state: { status: 'deleted', jid: 'alice@localhost', deletedAt: time }, sequence: 2 });
  });

  it('keeps the newer state when a reload is older than what it knows', () => {
    const view = new AccountsView();
    view.apply(created('alice@localhost'), 5);
    view.replace('alice@localhost', { state: { status: 'absent' }, sequence: 0 });
    assert.equal(view.get('alice@localhost').sequence, 5);
    view.replace('alice@localhost', { state: { status: 'deleted', jid: 'alice@localhost', deletedAt: time }, sequence: 7 });
    assert.equal(view.get('alice@localhost').state.status, 'deleted');
  });

  it('lists active accounts sorted, of one domain when asked', () => {
    const view = new AccountsView();
    view.apply(created('zoe@localhost'), 1);
    view.apply(created('bob@example.org'), 2);
    view.apply(created('alice@localhost'), 3);
    view.apply(created('carol@localhost'), 4);
    view.apply(deleted('carol@localhost'), 5);
    view.apply(created('eve@sub.localhost'), 6);
    assert.deepEqual(view.list(), ['alice@localhost', 'bob@example.org', 'eve@sub.localhost', 'zoe@localhost']);
    assert.deepEqual(view.list('localhost'), ['alice@localhost', 'zoe@localhost']);
    assert.deepEqual(view.list('nowhere.test'), []);
  });
});
