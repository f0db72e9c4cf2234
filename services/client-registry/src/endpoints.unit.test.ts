import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientEndpoints } from './endpoints.ts';
import type { RevokeRequest } from './revoke/revoke.ts';

describe('client.revoke endpoint', () => {
  const calls: RevokeRequest[] = [];
  const endpoints = clientEndpoints({ domain: 'capulet.lit', revoke: async (request) => void calls.push(request) });
  const revoke = endpoints['client.revoke']!;

  it('acts for the normalised account, by the user unless told otherwise', async () => {
    assert.deepEqual(await revoke({ jid: 'Juliet@Capulet.lit', id: 'client/x' }), {});
    await revoke({ jid: 'juliet@capulet.lit', id: 'grant/y', reason: 'revoked-by-admin' });
    assert.deepEqual(calls, [
      { jid: 'juliet@capulet.lit', id: 'client/x', reason: 'revoked-by-user' },
      { jid: 'juliet@capulet.lit', id: 'grant/y', reason: 'revoked-by-admin' },
    ]);
  });

  it('refuses payload errors with bad-request, other domains and full JIDs with their own codes', async () => {
    for (const payload of [undefined, {}, { jid: 'juliet@capulet.lit' }, { jid: 'juliet@capulet.lit', id: 7 }, { jid: 'juliet@capulet.lit', id: 'x'.repeat(2049) }, { jid: 'juliet@capulet.lit', id: 'client/x', reason: 'Not Kebab' }, { jid: 'juliet@capulet.lit', id: 'client/x', extra: 1 }]) {
      await assert.rejects(revoke(payload), { code: 'bad-request' }, JSON.stringify(payload));
    }
    await assert.rejects(revoke({ jid: 'romeo@montague.lit', id: 'client/x' }), { code: 'host-unknown' });
    await assert.rejects(revoke({ jid: 'juliet@capulet.lit/balcony', id: 'client/x' }), { code: 'jid-malformed' });
  });
});
