import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientProof, DAY_MS, testAccess } from '../test-access.ts';

const jid = 'alice@localhost';
const clientId = 'c0ffee00-0000-4000-8000-000000000001';
const NONE = 'HT-SHA-256-NONE';
const ENDP = 'HT-SHA-256-ENDP';

type Issued = { token: string; expiry: string };
type Verified = { responderProof: string; rotate: boolean };

function setup(options?: Parameters<typeof testAccess>[0]) {
  const t = testAccess(options);
  t.createAccount(jid);
  const issue = (mechanism = NONE, client = clientId) => t.call<Issued>('fast.issue', { jid, clientId: client, mechanism, authenticatedBy: 'password' });
  const verify = (token: string, extra: { mechanism?: string; cbData?: Buffer; count?: number; client?: string } = {}) =>
    t.call<Verified>('fast.verify', {
      jid,
      clientId: extra.client ?? clientId,
      mechanism: extra.mechanism ?? NONE,
      initiatorProof: clientProof(token, 'Initiator', extra.cbData),
      ...(extra.cbData ? { cbData: extra.cbData.toString('base64') } : {}),
      ...(extra.count === undefined ? {} : { count: extra.count }),
    });
  return { ...t, issue, verify };
}

async function rejectsWithCode(promise: Promise<unknown>, code: string, reason?: string) {
  await assert.rejects(promise, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    if (reason) assert.match(error.message, new RegExp(`^${reason}: `));
    return true;
  });
}

describe('fast.issue', () => {
  it('hands out a 64-character base64url token expiring after the lifetime, as an XEP-0082 instant', async () => {
    const t = setup();
    const { token, expiry } = await t.issue();
    assert.match(token, /^[A-Za-z0-9_-]{64}$/);
    assert.equal(expiry, new Date(t.now().getTime() + 21 * DAY_MS).toISOString());
  });

  it('creates the grant when the gateway has not recorded one', async () => {
    const t = setup();
    await t.issue();
    const { grants } = await t.call<{ grants: { clientId: string; authenticatedBy: string }[] }>('grant.list', { jid });
    assert.deepEqual(grants.map((grant) => [grant.clientId, grant.authenticatedBy]), [[clientId, 'password']]);
  });

  it('refuses accounts that do not exist', async () => {
    const t = setup();
    await rejectsWithCode(t.call('fast.issue', { jid: 'nobody@localhost', clientId, mechanism: NONE, authenticatedBy: 'password' }), 'account-not-found');
  });
});

describe('fast.verify', () => {
  it('accepts a real HT-SHA-256-NONE proof and answers with the responder proof', async () => {
    const t = setup();
    const { token } = await t.issue();
    assert.deepEqual(await t.verify(token), { responderProof: clientProof(token, 'Responder'), rotate: false });
  });

  it('accepts on a replica that has read neither the token nor its grant, issued elsewhere a moment ago', async () => {
    const t = setup();
    const { token } = await t.issue();
    const elsewhere = t.replica();
    const verified = await elsewhere<Verified>('fast.verify', { jid, clientId, mechanism: NONE, initiatorProof: clientProof(token, 'Initiator') });
    assert.deepEqual(verified, { responderProof: clientProof(token, 'Responder'), rotate: false });
  });

  it('binds -ENDP proofs to the channel-binding data', async () => {
    const t = setup();
    const { token } = await t.issue(ENDP);
    const cbData = Buffer.alloc(32, 0xab);
    assert.deepEqual(await t.verify(token, { mechanism: ENDP, cbData }), { responderProof: clientProof(token, 'Responder', cbData), rotate: false });
    const forged = await t
      .call('fast.verify', {
        jid,
        clientId,
        mechanism: ENDP,
        initiatorProof: clientProof(token, 'Initiator', cbData),
        cbData: Buffer.alloc(32, 1).toString('base64'),
      })
      .catch((error: Error & { code?: string }) => error.code);
    assert.equal(forged, 'not-authorized');
  });

  it('refuses a token under another mechanism (XEP-0484 §3.4)', async () => {
    const t = setup();
    const { token } = await t.issue(ENDP);
    await rejectsWithCode(t.verify(token), 'not-authorized', 'token-unknown');
  });

  it('refuses an unknown token, another client, or another account as not-authorized', async () => {
    const t = setup();
    const { token } = await t.issue();
    await rejectsWithCode(t.verify(token, { client: 'another-client' }), 'not-authorized', 'token-unknown');
    await rejectsWithCode(t.verify('not-a-token-we-issued'), 'not-authorized', 'token-unknown');
    t.createAccount('bob@localhost');
    const asBob = { jid: 'bob@localhost', clientId, mechanism: NONE, initiatorProof: clientProof(token, 'Initiator') };
    await rejectsWithCode(t.call('fast.verify', asBob), 'not-authorized');
  });

  it('asks for rotation once the token is older than the rotation age, and expires it at the lifetime', async () => {
    const t = setup();
    const { token } = await t.issue();
    t.advance(DAY_MS - 1);
    assert.equal((await t.verify(token)).rotate, false);
    t.advance(1);
    assert.equal((await t.verify(token)).rotate, true);
    t.advance(20 * DAY_MS - 1);
    assert.equal((await t.verify(token)).rotate, true);
    t.advance(1);
    await rejectsWithCode(t.verify(token), 'credentials-expired', 'token-expired');
  });

  it('keeps the old token valid until the rotated one is used, then refuses it (XEP-0484 §3.5)', async () => {
    const t = setup();
    const first = await t.issue();
    t.advance(2 * DAY_MS);
    assert.equal((await t.verify(first.token)).rotate, true);
    const second = await t.issue();
    assert.notEqual(second.token, first.token);
    assert.equal((await t.verify(first.token)).rotate, true, 'the client missed the new token: the old one still works');
    assert.equal((await t.verify(second.token)).rotate, false);
    await rejectsWithCode(t.verify(first.token), 'credentials-expired', 'token-revoked');
    assert.equal((await t.verify(second.token)).rotate, false);
  });

  it('refuses a replayed count as not-authorized and leaves the token usable', async () => {
    const t = setup();
    const { token } = await t.issue();
    await t.verify(token, { count: 1 });
    await rejectsWithCode(t.verify(token, { count: 1 }), 'not-authorized', 'token-replayed');
    await t.verify(token, { count: 2 });
  });

  it('refuses malformed requests as bad-request', async () => {
    const t = setup();
    const { token } = await t.issue();
    const good = { jid, clientId, mechanism: NONE, initiatorProof: clientProof(token, 'Initiator') };
    for (const bad of [
      { ...good, mechanism: 'PLAIN' },
      { ...good, clientId: '' },
      { ...good, initiatorProof: 'not base64!' },
      { ...good, initiatorProof: Buffer.alloc(31).toString('base64') },
      { ...good, cbData: Buffer.alloc(32).toString('base64') },
      { ...good, mechanism: ENDP },
      { ...good, count: -1 },
      { ...good, count: 1.5 },
      undefined,
    ]) {
      await rejectsWithCode(t.call('fast.verify', bad), 'bad-request');
    }
    await t.call('fast.verify', good);
  });
});

describe('fast.invalidate', () => {
  it("invalidates the token just used; using it again is credentials-expired (XEP-0484 §3.6, §4.2)", async () => {
    const t = setup();
    const { token } = await t.issue();
    await t.verify(token);
    assert.deepEqual(await t.call('fast.invalidate', { jid, clientId }), {});
    await rejectsWithCode(t.verify(token), 'credentials-expired', 'token-revoked');
    assert.deepEqual(await t.call('fast.invalidate', { jid, clientId }), {}, 'nothing left: still fine');
  });

  it('leaves a token requested in the same login alone', async () => {
    const t = setup();
    const first = await t.issue();
    await t.verify(first.token);
    const second = await t.issue();
    await t.call('fast.invalidate', { jid, clientId });
    await rejectsWithCode(t.verify(first.token), 'credentials-expired');
    await t.verify(second.token);
  });
});

describe('FAST and the account', () => {
  it('a password change cuts every token and grant of the account', async () => {
    const t = setup();
    const phone = await t.issue(NONE, 'phone');
    const laptop = await t.issue(NONE, 'laptop');
    t.advance(1000);
    await t.changePassword(jid);
    await rejectsWithCode(t.verify(phone.token, { client: 'phone' }), 'credentials-expired', 'token-revoked');
    await rejectsWithCode(t.verify(laptop.token, { client: 'laptop' }), 'credentials-expired', 'token-revoked');
    assert.deepEqual(await t.call('grant.list', { jid }), { grants: [] });
    const revoked = t.streams.grants.appended.filter((fact) => fact.type === 'gatehouse.grant.revoked.v1');
    assert.deepEqual(revoked.map((fact) => fact.data.reason), ['password-changed', 'password-changed']);
    const after = await t.issue(NONE, 'phone');
    await t.verify(after.token, { client: 'phone' });
  });

  it('cuts them even when the revocation after the password change was never written', async () => {
    const t = setup();
    const { token } = await t.issue();
    t.advance(1000);
    await t.changePassword(jid, { revoke: false });
    await rejectsWithCode(t.verify(token), 'credentials-expired', 'token-revoked');
    assert.deepEqual(await t.call('grant.list', { jid }), { grants: [] });
  });

  it('an account deletion does the same, and a new account of that JID inherits nothing', async () => {
    const t = setup();
    const { token } = await t.issue();
    t.advance(1000);
    await t.deleteAccount(jid);
    await rejectsWithCode(t.verify(token), 'credentials-expired');
    t.advance(1000);
    t.createAccount(jid);
    await rejectsWithCode(t.verify(token), 'credentials-expired');
    const invalidated = t.streams.tokens.appended.filter((fact) => fact.type === 'gatehouse.fast-token.invalidated.v1');
    assert.deepEqual(invalidated.map((fact) => fact.data.reason), ['account-deleted']);
  });
});

describe('no secret leaves the service', () => {
  it('never writes a token, a proof or the key into an event', async () => {
    const t = setup({ rotateAfterMs: 0 });
    const tokens: string[] = [];
    for (const client of ['phone', 'laptop']) {
      const first = await t.issue(NONE, client);
      await t.verify(first.token, { client, count: 1 });
      const second = await t.issue(NONE, client);
      await t.verify(second.token, { client });
      await t.call('fast.invalidate', { jid, clientId: client });
      tokens.push(first.token, second.token);
    }
    await t.changePassword(jid);
    const written = t.written();
    assert.ok(written.includes('gatehouse.fast-token.used.v1'), 'the scan sees the events');
    for (const token of tokens) {
      for (const form of [token, Buffer.from(token, 'base64url').toString('base64'), clientProof(token, 'Initiator'), clientProof(token, 'Responder')]) {
        assert.ok(!written.includes(form), 'a token or proof was written');
      }
      assert.ok(!written.includes(token.slice(22)), 'the MAC part of a token was written');
    }
    for (const form of [t.tokenKey.toString('base64'), t.tokenKey.toString('hex'), t.tokenKey.toString('base64url')]) {
      assert.ok(!written.includes(form), 'the key was written');
    }
  });
});
