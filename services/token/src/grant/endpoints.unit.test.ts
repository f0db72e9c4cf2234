import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grantLastUsedAt } from '../access.ts';
import { clientProof, testAccess } from '../test-access.ts';
import type { GrantListing } from '@gatehouse/events';

const jid = 'alice@localhost';
type Recorded = { grantId: string; created: boolean };

function setup(options: Parameters<typeof testAccess>[0] = {}) {
  const t = testAccess(options);
  t.createAccount(jid);
  const record = (clientId: string, authenticatedBy = 'password', userAgent?: object) =>
    t.call<Recorded>('grant.record', { jid, clientId, authenticatedBy, ...(userAgent ? { userAgent } : {}) });
  const list = async () => (await t.call<{ grants: GrantListing[] }>('grant.list', { jid })).grants;
  return { ...t, record, list };
}

async function rejectsWithCode(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (error: Error & { code?: string }) => error.code === code);
}

describe('grant.record', () => {
  it('creates the grant at the first login of a client id; later logins store nothing (catalog v2) and show as its last use', async () => {
    const t = setup();
    const first = await t.record('phone', 'password', { software: 'Conversations', device: 'Pixel 8' });
    assert.equal(first.created, true);
    assert.match(first.grantId, /^[A-Za-z0-9_-]{22}$/);
    t.advance(120_000);
    assert.deepEqual(await t.record('phone', 'fast'), { grantId: first.grantId, created: false });
    assert.deepEqual(
      t.streams.grants.appended.map((fact) => fact.type),
      ['gatehouse.grant.created.v1'],
    );
    const [listed] = await t.list();
    assert.deepEqual([listed?.lastUsedAt, listed?.lastUsedBy], [t.now().toISOString(), 'fast']);
  });

  it("gives the live grant's last use to the credential lookup, and nothing once it is revoked or the password changed", async () => {
    const t = setup();
    const lastUse = (clientId: string) => grantLastUsedAt(t.access, { jid, clientId });
    assert.equal(await lastUse('phone'), undefined);
    await t.record('phone');
    const recordedAt = t.now().toISOString();
    assert.equal(await lastUse('phone'), recordedAt);
    t.advance(60_000);
    await t.record('laptop');
    await t.call('grant.revoke', { jid, clientId: 'laptop', reason: 'revoked-by-user' });
    assert.equal(await lastUse('laptop'), undefined);
    t.advance(60_000);
    await t.changePassword(jid);
    assert.equal(await lastUse('phone'), undefined);
  });

  it('refuses a login for an account that does not exist, and malformed requests', async () => {
    const t = setup();
    await rejectsWithCode(t.call('grant.record', { jid: 'nobody@localhost', clientId: 'x', authenticatedBy: 'password' }), 'account-not-found');
    await rejectsWithCode(t.call('grant.record', { jid, clientId: 'x', authenticatedBy: 'magic' }), 'bad-request');
    await rejectsWithCode(t.call('grant.record', { jid, clientId: 'x', authenticatedBy: 'password', userAgent: { software: '' } }), 'bad-request');
    await rejectsWithCode(t.call('grant.record', { jid: 'alice@example.org', clientId: 'x', authenticatedBy: 'password' }), 'host-unknown');
  });
});

describe('clients per account (TOKEN_MAX_CLIENTS_PER_ACCOUNT)', () => {
  it('forgets the least recently used client, grant and FAST tokens, when a new client id would pass the limit', async () => {
    const t = setup({ maxClientsPerAccount: 2 });
    await t.record('phone');
    const { token } = await t.call<{ token: string }>('fast.issue', { jid, clientId: 'phone', mechanism: 'HT-SHA-256-NONE', authenticatedBy: 'password' });
    t.advance(120_000);
    await t.record('laptop');
    t.advance(120_000);
    await t.record('phone'); // used again: now laptop is the least recently used
    t.advance(120_000);
    assert.equal((await t.record('tablet')).created, true);
    assert.deepEqual((await t.list()).map((grant) => grant.clientId).sort(), ['phone', 'tablet']);
    const revoked = t.streams.grants.appended.filter((fact) => fact.type === 'gatehouse.grant.revoked.v1');
    assert.deepEqual(revoked.map((fact) => [fact.data.clientId, fact.data.reason]), [['laptop', 'client-limit']]);

    t.advance(120_000);
    await t.record('desktop');
    assert.deepEqual((await t.list()).map((grant) => grant.clientId).sort(), ['desktop', 'tablet']);
    const verify = t.call('fast.verify', { jid, clientId: 'phone', mechanism: 'HT-SHA-256-NONE', initiatorProof: clientProof(token, 'Initiator') });
    await rejectsWithCode(verify, 'credentials-expired');
  });

  it('lets a known client log in at the limit without forgetting anyone', async () => {
    const t = setup({ maxClientsPerAccount: 2 });
    await t.record('phone');
    await t.record('laptop');
    t.advance(120_000);
    assert.equal((await t.record('phone')).created, false);
    assert.equal(t.streams.grants.appended.filter((fact) => fact.type === 'gatehouse.grant.revoked.v1').length, 0);
    assert.equal((await t.list()).length, 2);
  });

  it('stays bounded however many fresh client ids log in', async () => {
    const t = setup({ maxClientsPerAccount: 3 });
    for (let i = 0; i < 50; i++) {
      await t.record(`uuid-${i}`);
      t.advance(1_000);
    }
    assert.deepEqual((await t.list()).map((grant) => grant.clientId), ['uuid-47', 'uuid-48', 'uuid-49']);
  });
});

describe('grant.list', () => {
  it('lists the clients with access, oldest first, with their valid FAST tokens and no secret', async () => {
    const t = setup();
    await t.record('phone', 'password', { software: 'Conversations' });
    t.advance(1000);
    await t.record('laptop');
    const issue = { jid, clientId: 'laptop', mechanism: 'HT-SHA-256-NONE', authenticatedBy: 'password' };
    const { token } = await t.call<{ token: string; expiry: string }>('fast.issue', issue);
    const listed = await t.list();
    assert.deepEqual(
      listed.map(({ clientId, authenticatedBy, userAgent, fastTokens }) => ({ clientId, authenticatedBy, userAgent, tokens: fastTokens.length })),
      [
        { clientId: 'phone', authenticatedBy: 'password', userAgent: { software: 'Conversations' }, tokens: 0 },
        { clientId: 'laptop', authenticatedBy: 'password', userAgent: undefined, tokens: 1 },
      ],
    );
    assert.equal(listed[1]?.fastTokens[0]?.mechanism, 'HT-SHA-256-NONE');
    assert.ok(!JSON.stringify(listed).includes(token));
    assert.deepEqual(await t.call('grant.list', { jid: 'nobody@localhost' }), { grants: [] });
  });
});

describe('grant.revoke', () => {
  it('ends the grant and its FAST tokens; the next login creates a new grant', async () => {
    const t = setup();
    const { grantId } = await t.record('phone');
    const { token } = await t.call<{ token: string }>('fast.issue', { jid, clientId: 'phone', mechanism: 'HT-SHA-256-NONE', authenticatedBy: 'password' });
    assert.deepEqual(await t.call('grant.revoke', { jid, clientId: 'phone', reason: 'revoked-by-user' }), {});
    assert.deepEqual(await t.list(), []);
    const verify = t.call('fast.verify', { jid, clientId: 'phone', mechanism: 'HT-SHA-256-NONE', initiatorProof: clientProof(token, 'Initiator') });
    await rejectsWithCode(verify, 'credentials-expired');
    assert.deepEqual(
      t.streams.tokens.appended.filter((fact) => fact.type === 'gatehouse.fast-token.invalidated.v1').map((fact) => fact.data.reason),
      ['grant-revoked'],
    );
    const again = await t.record('phone');
    assert.equal(again.created, true);
    assert.notEqual(again.grantId, grantId);
  });

  it('is idempotent for a revoked grant, refuses an unknown one and bad reasons', async () => {
    const t = setup();
    await t.record('phone');
    await t.call('grant.revoke', { jid, clientId: 'phone', reason: 'revoked-by-user' });
    assert.deepEqual(await t.call('grant.revoke', { jid, clientId: 'phone', reason: 'revoked-by-user' }), {});
    await rejectsWithCode(t.call('grant.revoke', { jid, clientId: 'tablet', reason: 'revoked-by-user' }), 'grant-not-found');
    await rejectsWithCode(t.call('grant.revoke', { jid, clientId: 'phone', reason: 'Because I said so' }), 'bad-request');
  });
});
