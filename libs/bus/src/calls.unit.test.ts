import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogEndpoints, InvalidReplyError, parseReply, ServiceError } from './index.ts';

describe('the request catalog, caller side', () => {
  it('returns a reply that matches the catalog', () => {
    assert.deepEqual(parseReply('token.account.exists', 'ns.token.account.exists', { exists: true }), { exists: true });
  });

  it('refuses a reply that does not match, naming the endpoint and the field, not the value', () => {
    assert.throws(
      () => parseReply('token.auth.credentials', 'ns.token.auth.credentials', { exists: 'yes', credential: { salt: 'c2FsdA==' } }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidReplyError);
        assert.ok(error instanceof ServiceError, 'callers that map ServiceError codes see it as one');
        assert.equal(error.code, 'invalid-reply');
        assert.match(error.message, /^ns\.token\.auth\.credentials replied with a result the catalog does not allow: /);
        assert.match(error.message, /exists: /);
        assert.match(error.message, /credential\.iterations: /);
        assert.doesNotMatch(error.message, /yes|c2FsdA/);
        return true;
      },
    );
    assert.throws(() => parseReply('clients.client.revoke', 's', undefined), { code: 'invalid-reply' });
  });

  it('lets fields the catalog does not know pass a reply check, and leaves them out', () => {
    assert.deepEqual(parseReply('token.account.exists', 's', { exists: false, later: 1 }), { exists: false });
  });
});

describe('the request catalog, service side', () => {
  const endpoints = catalogEndpoints('token', {
    'account.exists': async ({ jid }) => ({ exists: jid === 'alice@localhost' }),
  });

  it('hands a handler the request the catalog allows', async () => {
    assert.deepEqual(await endpoints['account.exists']({ jid: 'alice@localhost' }), { exists: true });
  });

  it('answers a malformed request with bad-request before the handler runs', async () => {
    let ran = false;
    const guarded = catalogEndpoints('token', {
      'account.exists': async () => {
        ran = true;
        return { exists: true };
      },
    });
    for (const payload of [undefined, {}, { jid: 7 }, { jid: '' }, { jid: 'x'.repeat(4000) }]) {
      await assert.rejects(guarded['account.exists'](payload), { code: 'bad-request' }, JSON.stringify(payload)?.slice(0, 40));
    }
    await assert.rejects(guarded['account.exists']({}), /jid: /);
    assert.equal(ran, false);
  });
});
