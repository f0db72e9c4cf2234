import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScramCredential } from '@gatehouse/events';
import { deriveScramCredential } from '@gatehouse/xmpp';
import { createMemoryEventStore } from '@gatehouse/event-store';
import { accountAggregate } from './aggregates.ts';
import { accountEndpoints, type AccessCause } from './endpoints.ts';

type Revocation = [jid: string, reason: string, cause: AccessCause];

const grantUses = new Map<string, string>([['alice@localhost\u0000conversations', '2026-12-07T10:00:00.000Z']]);

function setup(secret = new Uint8Array(32).fill(7), revocations: Revocation[] = []) {
  const accounts = createMemoryEventStore(accountAggregate('unit'), { source: 'test', clock: () => new Date() });
  const revokeAccess = async (...revocation: Revocation) => {
    revocations.push(revocation);
  };
  const grantUsedAt = async (jid: string, clientId: string) => grantUses.get(`${jid}\u0000${clientId}`);
  return accountEndpoints({ domain: 'localhost', iterations: 4096, accounts, fakeSecret: secret, revokeAccess, grantUsedAt });
}

type CredentialsReply = { exists: boolean; credential: ScramCredential; grantUsedAt?: string };

async function rejectsWithCode(promise: Promise<unknown>, code: string, check?: (message: string) => void) {
  await assert.rejects(promise, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    check?.(error.message);
    return true;
  });
}

describe('account endpoints', () => {
  it('creates an account under its normalised JID, with credentials that verify the password', async () => {
    const endpoints = setup();
    assert.deepEqual(await endpoints['account.create']!({ jid: 'Alice@LocalHost', password: 'correct horse' }), { jid: 'alice@localhost' });
    assert.deepEqual(await endpoints['account.exists']!({ jid: 'alice@localhost' }), { exists: true });
    for (const mechanism of ['SCRAM-SHA-1', 'SCRAM-SHA-256'] as const) {
      const reply = (await endpoints['auth.credentials']!({ jid: 'alice@localhost', mechanism })) as CredentialsReply;
      assert.equal(reply.exists, true);
      assert.equal(reply.credential.iterations, 4096);
      const again = deriveScramCredential('correct horse', mechanism, { salt: reply.credential.salt, iterations: 4096 });
      assert.deepEqual(again, reply.credential);
    }
  });

  it('refuses a second account with the same JID, and unknown accounts', async () => {
    const endpoints = setup();
    await endpoints['account.create']!({ jid: 'alice@localhost', password: 'one' });
    await rejectsWithCode(endpoints['account.create']!({ jid: 'alice@localhost', password: 'two' }), 'account-exists');
    await rejectsWithCode(endpoints['account.password']!({ jid: 'bob@localhost', password: 'two' }), 'account-not-found');
    await rejectsWithCode(endpoints['account.delete']!({ jid: 'bob@localhost' }), 'account-not-found');
  });

  it('changes a password: the old one no longer verifies', async () => {
    const endpoints = setup();
    await endpoints['account.create']!({ jid: 'alice@localhost', password: 'old' });
    await endpoints['account.password']!({ jid: 'alice@localhost', password: 'new' });
    const { credential } = (await endpoints['auth.credentials']!({ jid: 'alice@localhost', mechanism: 'SCRAM-SHA-256' })) as CredentialsReply;
    const derive = (password: string) => deriveScramCredential(password, 'SCRAM-SHA-256', { salt: credential.salt }).storedKey;
    assert.equal(derive('new'), credential.storedKey);
    assert.notEqual(derive('old'), credential.storedKey);
  });

  it('revokes every grant and token of the account on a password change and on deletion, up to that instant', async () => {
    const revocations: Revocation[] = [];
    const endpoints = setup(undefined, revocations);
    await endpoints['account.create']!({ jid: 'alice@localhost', password: 'old' });
    assert.equal(revocations.length, 0);
    await endpoints['account.password']!({ jid: 'alice@localhost', password: 'new' });
    await endpoints['account.delete']!({ jid: 'Alice@localhost' });
    assert.deepEqual(
      revocations.map(([jid, reason]) => [jid, reason]),
      [
        ['alice@localhost', 'password-changed'],
        ['alice@localhost', 'account-deleted'],
      ],
    );
    for (const [, , { at }] of revocations) assert.ok(Math.abs(Date.parse(at) - Date.now()) < 60_000, at);
    assert.deepEqual(
      revocations.map(([, , cause]) => cause.type),
      ['gatehouse.account.password-changed.v1', 'gatehouse.account.deleted.v1'],
      'each names the event that decided it, for the access-cut notice',
    );
    assert.ok(revocations.every(([, , cause]) => /^[0-9a-f-]{36}$/.test(cause.id)));
    await rejectsWithCode(endpoints['account.password']!({ jid: 'bob@localhost', password: 'x' }), 'account-not-found');
    assert.equal(revocations.length, 2, 'nothing revoked for a refused change');
  });

  it('deletes', async () => {
    const endpoints = setup();
    for (const jid of ['carol@localhost', 'alice@localhost', 'bob@localhost']) await endpoints['account.create']!({ jid, password: 'pw' });
    assert.deepEqual(await endpoints['account.delete']!({ jid: 'bob@localhost' }), { jid: 'bob@localhost' });
    assert.deepEqual(await endpoints['account.exists']!({ jid: 'bob@localhost' }), { exists: false });
    assert.deepEqual(await endpoints['account.exists']!({ jid: 'carol@localhost' }), { exists: true });
  });

  it('answers credentials for unknown accounts with a stable fake of the real shape', async () => {
    const endpoints = setup();
    const ask = async (jid: string, mechanism: string) => (await endpoints['auth.credentials']!({ jid, mechanism })) as CredentialsReply;
    const first = await ask('nobody@localhost', 'SCRAM-SHA-256');
    assert.equal(first.exists, false);
    assert.deepEqual(await ask('NOBODY@localhost', 'SCRAM-SHA-256'), first);
    assert.equal(Buffer.from(first.credential.salt, 'base64').length, 16);
    assert.equal(Buffer.from(first.credential.storedKey, 'base64').length, 32);
    assert.equal(Buffer.from(first.credential.serverKey, 'base64').length, 32);
    assert.equal(first.credential.iterations, 4096);
    const sha1 = await ask('nobody@localhost', 'SCRAM-SHA-1');
    assert.equal(Buffer.from(sha1.credential.storedKey, 'base64').length, 20);
    assert.notEqual(sha1.credential.salt, first.credential.salt);
    assert.notEqual((await ask('other@localhost', 'SCRAM-SHA-256')).credential.salt, first.credential.salt);
    const otherDeployment = (await setup(new Uint8Array(32).fill(8))['auth.credentials']!({ jid: 'nobody@localhost', mechanism: 'SCRAM-SHA-256' })) as CredentialsReply;
    assert.notEqual(otherDeployment.credential.salt, first.credential.salt);
  });

  it("tells, for the client named, when its live grant was last used; never for an unknown account", async () => {
    const endpoints = setup();
    const ask = async (clientId?: string) =>
      (await endpoints['auth.credentials']!({ jid: 'alice@localhost', mechanism: 'SCRAM-SHA-256', ...(clientId ? { clientId } : {}) })) as CredentialsReply;
    const unknown = await ask('conversations');
    assert.equal(unknown.exists, false);
    assert.equal('grantUsedAt' in unknown, false);
    await endpoints['account.create']!({ jid: 'alice@localhost', password: 'pw' });
    assert.equal((await ask('conversations')).grantUsedAt, '2026-12-07T10:00:00.000Z');
    assert.equal('grantUsedAt' in (await ask('dino')), false);
    assert.equal('grantUsedAt' in (await ask()), false);
  });

  it('answers a deleted account like one that never existed', async () => {
    const endpoints = setup();
    const ask = () => endpoints['auth.credentials']!({ jid: 'alice@localhost', mechanism: 'SCRAM-SHA-1' });
    const before = await ask();
    await endpoints['account.create']!({ jid: 'alice@localhost', password: 'pw' });
    await endpoints['account.delete']!({ jid: 'alice@localhost' });
    assert.deepEqual(await ask(), before);
  });

  it('refuses JIDs that cannot name an account here', async () => {
    const endpoints = setup();
    for (const jid of ['a@@localhost', 'alice@localhost/phone', 'localhost', 'al ice@localhost']) {
      await rejectsWithCode(endpoints['account.create']!({ jid, password: 'pw' }), 'jid-malformed');
    }
    await rejectsWithCode(endpoints['account.exists']!({ jid: 'alice@example.org' }), 'host-unknown', (message) =>
      assert.match(message, /serves localhost, not example\.org/),
    );
    await rejectsWithCode(endpoints['auth.credentials']!({ jid: 'alice@example.org', mechanism: 'SCRAM-SHA-1' }), 'host-unknown');
  });

  it('refuses malformed payloads as bad-request without echoing the password', async () => {
    const endpoints = setup();
    await rejectsWithCode(endpoints['account.create']!({ jid: 'alice@localhost' }), 'bad-request');
    await rejectsWithCode(endpoints['account.create']!({ jid: 'alice@localhost', password: '' }), 'bad-request');
    await rejectsWithCode(endpoints['account.create']!(undefined), 'bad-request');
    await rejectsWithCode(endpoints['account.delete']!({ jid: 42 }), 'bad-request');
    await rejectsWithCode(endpoints['auth.credentials']!({ jid: 'alice@localhost', mechanism: 'PLAIN' }), 'bad-request');
    await rejectsWithCode(endpoints['account.create']!({ jid: 'alice@localhost', password: 'bell\u0007secret' }), 'bad-request', (message) =>
      assert.doesNotMatch(message, /secret/),
    );
    await rejectsWithCode(endpoints['account.create']!({ jid: 'alice@localhost', password: 'x'.repeat(2000) }), 'bad-request', (message) =>
      assert.doesNotMatch(message, /xxx/),
    );
  });
});
