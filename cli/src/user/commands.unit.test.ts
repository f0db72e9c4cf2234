import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JidMalformedError } from '@gatehouse/xmpp';
import type { Page } from '@gatehouse/bus';
import { runUserCommand, type TokenEndpoint } from './commands.ts';

/** Records what the command asks and answers with `reply`. */
function fakeToken(reply: unknown = {}) {
  const calls: { endpoint: TokenEndpoint | 'projections.accounts.list'; payload: Record<string, unknown> }[] = [];
  return {
    calls,
    request: async (endpoint: TokenEndpoint, payload: Record<string, unknown>) => {
      calls.push({ endpoint, payload });
      return reply;
    },
    listAccounts: async (payload: Record<string, unknown>) => {
      calls.push({ endpoint: 'projections.accounts.list', payload });
      return reply as Page<string>;
    },
  };
}

describe('runUserCommand', () => {
  it('creates with the normalised bare JID and confirms in one line', async () => {
    const token = fakeToken({ jid: 'alice@localhost' });
    assert.deepEqual(await runUserCommand({ action: 'create', jid: 'Alice@LocalHost', password: 'pw' }, token), [
      'created user alice@localhost',
    ]);
    assert.deepEqual(token.calls, [{ endpoint: 'account.create', payload: { jid: 'alice@localhost', password: 'pw' } }]);
  });

  it('changes a password and deletes', async () => {
    const token = fakeToken();
    assert.deepEqual(await runUserCommand({ action: 'password', jid: 'alice@localhost', password: 'new' }, token), [
      'changed the password of user alice@localhost',
    ]);
    assert.deepEqual(await runUserCommand({ action: 'delete', jid: 'alice@localhost' }, token), ['deleted user alice@localhost']);
    assert.deepEqual(
      token.calls.map((call) => call.endpoint),
      ['account.password', 'account.delete'],
    );
    assert.deepEqual(token.calls[1]!.payload, { jid: 'alice@localhost' });
  });

  it('lists one JID per line, of a domain when given', async () => {
    const token = fakeToken({ items: ['alice@localhost', 'bob@localhost'] });
    assert.deepEqual(await runUserCommand({ action: 'list' }, token), ['alice@localhost', 'bob@localhost']);
    await runUserCommand({ action: 'list', domain: 'localhost' }, token);
    assert.deepEqual(
      token.calls.map((call) => call.payload),
      [{}, { domain: 'localhost' }],
    );
  });

  it('refuses a bad JID before asking anything', async () => {
    const token = fakeToken();
    for (const jid of ['a@@localhost', 'localhost', 'alice@localhost/phone']) {
      await assert.rejects(runUserCommand({ action: 'delete', jid }, token), JidMalformedError);
    }
    assert.deepEqual(token.calls, []);
  });
});
