import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WrongExpectedSequenceError } from '@gatehouse/bus';
import type { ScramCredentials } from '@gatehouse/events';
import { evolve, initialState, type AccountFact } from './account.ts';
import { AccountsView, type KnownAccount } from './accounts-view.ts';
import { createCommandHandler, type AccountsStream } from './command-handler.ts';
import { AccountExistsError } from './decide.ts';

const jid = 'alice@localhost';
const now = new Date('2025-02-03T04:05:06.000Z');
const credential = { salt: 'AAAA', iterations: 4096, storedKey: 'AAAA', serverKey: 'AAAA' };
const credentials: ScramCredentials = { 'SCRAM-SHA-1': credential, 'SCRAM-SHA-256': credential };
const created: AccountFact = { type: 'gatehouse.account.created.v1', time: now.toISOString(), data: { jid, credentials } };

/** A stream holding one subject's events in memory, with JetStream's expected-sequence check. */
function memoryStream(stored: AccountFact[] = []) {
  const appended: { fact: AccountFact; expected: number }[] = [];
  let loads = 0;
  const stream: AccountsStream = {
    async append(fact, expected) {
      if (expected !== stored.length) throw new WrongExpectedSequenceError(`subject.${jid}`, expected);
      stored.push(fact);
      appended.push({ fact, expected });
      return stored.length;
    },
    async load(): Promise<KnownAccount> {
      loads += 1;
      return { state: stored.reduce(evolve, initialState()), sequence: stored.length };
    },
  };
  return { stream, stored, appended, loads: () => loads };
}

describe('command handler', () => {
  it('appends what decide decides, expecting the known sequence, and applies it at once', async () => {
    const view = new AccountsView();
    const memory = memoryStream();
    await createCommandHandler({ view, stream: memory.stream, clock: () => now })({ type: 'CreateAccount', jid, credentials });
    assert.deepEqual(memory.appended, [{ fact: created, expected: 0 }]);
    assert.equal(view.get(jid).state.status, 'active');
    assert.equal(view.get(jid).sequence, 1);
  });

  it('re-reads the account after a conflict and decides again', async () => {
    const view = new AccountsView();
    // Another replica created the account; this one has not seen it yet.
    const memory = memoryStream([created]);
    const execute = createCommandHandler({ view, stream: memory.stream, clock: () => now });
    await assert.rejects(execute({ type: 'CreateAccount', jid, credentials }), AccountExistsError);
    assert.equal(memory.loads(), 1);
    assert.equal(view.get(jid).sequence, 1);

    await execute({ type: 'DeleteAccount', jid });
    assert.deepEqual(memory.appended.map(({ fact, expected }) => [fact.type, expected]), [['gatehouse.account.deleted.v1', 1]]);
  });

  it('gives up after maxAttempts conflicts', async () => {
    let attempts = 0;
    const stream: AccountsStream = {
      append: async (_fact, expected) => {
        attempts += 1;
        throw new WrongExpectedSequenceError(jid, expected);
      },
      load: async () => ({ state: initialState(), sequence: 0 }),
    };
    const execute = createCommandHandler({ view: new AccountsView(), stream, clock: () => now, maxAttempts: 3 });
    await assert.rejects(execute({ type: 'CreateAccount', jid, credentials }), WrongExpectedSequenceError);
    assert.equal(attempts, 3);
  });

  it('does not retry other failures', async () => {
    let attempts = 0;
    const stream: AccountsStream = {
      append: async () => {
        attempts += 1;
        throw new Error('NATS timeout');
      },
      load: async () => assert.fail('must not reload'),
    };
    const execute = createCommandHandler({ view: new AccountsView(), stream, clock: () => now });
    await assert.rejects(execute({ type: 'CreateAccount', jid, credentials }), /NATS timeout/);
    assert.equal(attempts, 1);
  });
});
