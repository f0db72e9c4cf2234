import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handleAccountEvent } from './account-intake.ts';
import { accountFactsFrom } from './account-facts.ts';
import { sourceEvent, testIntake } from './test-intake.ts';
import { handleTokenEvent } from './token-intake.ts';

const jid = 'juliet@capulet.lit';
const clientId = 'phone';
const grantId = 'GGGGGGGGGGGGGGGGGGGGGG';
const tokenId = 'TTTTTTTTTTTTTTTTTTTTTT';
const t = (second: number) => `2025-03-01T11:00:${String(second).padStart(2, '0')}.000Z`;
const token = { jid, clientId, tokenId, grantId, mechanism: 'HT-SHA-256-NONE', tokenHash: 'a'.repeat(64), expiresAt: '2025-03-20T00:00:00.000Z' };

describe('token intake', () => {
  it('tells the client of its grant, its tokens and their ends; a grant used (pre-v2 history) is not restated', async () => {
    const { deps, facts } = testIntake();
    for (const event of [
      sourceEvent('gatehouse.grant.created.v1', { jid, clientId, grantId, authenticatedBy: 'password', userAgent: { software: 'Dino' } }, t(1)),
      sourceEvent('gatehouse.fast-token.issued.v1', token, t(1)),
      sourceEvent('gatehouse.fast-token.used.v1', { jid, clientId, tokenId, mechanism: 'HT-SHA-256-NONE' }, t(2)),
      sourceEvent('gatehouse.fast-token.rotated.v1', { ...token, tokenId: 'UUUUUUUUUUUUUUUUUUUUUU', replacesTokenId: tokenId }, t(2)),
      sourceEvent('gatehouse.grant.used.v1', { jid, clientId, grantId, authenticatedBy: 'fast' }, t(2)),
      sourceEvent('gatehouse.fast-token.invalidated.v1', { jid, clientId, tokenId, reason: 'superseded' }, t(3)),
      sourceEvent('gatehouse.grant.revoked.v1', { jid, clientId, grantId, reason: 'password-changed' }, t(4)),
    ]) {
      await handleTokenEvent(event, deps);
    }
    assert.deepEqual(
      facts().map((fact) => fact.type),
      [
        'gatehouse.client.granted.v1',
        'gatehouse.client.fast-token-issued.v1',
        'gatehouse.client.fast-token-issued.v1',
        'gatehouse.client.fast-token-invalidated.v1',
        'gatehouse.client.grant-revoked.v1',
      ],
    );
  });
});

describe('account intake', () => {
  it('tells every known client of a password change, and forgets them when the account goes', async () => {
    const { deps, facts, sessions } = testIntake();
    for (const [client, sessionId] of [['phone', 'AAAAAAAAAAAAAAAAAAAAAA'], ['laptop', 'BBBBBBBBBBBBBBBBBBBBBB']] as const) {
      await sessions.handle(
        sourceEvent('gatehouse.session.authentication-succeeded.v1', { sessionId, jid, mechanism: 'PLAIN', clientIp: '::1', method: 'password', clientId: client }, t(1)),
      );
    }
    await handleAccountEvent(sourceEvent('gatehouse.account.password-changed.v1', { jid, credentials: credentials() }, t(5)), deps);
    await handleAccountEvent(sourceEvent('gatehouse.account.deleted.v1', { jid }, t(6)), deps);
    await handleAccountEvent(sourceEvent('gatehouse.account.deleted.v1', { jid }, t(7)), deps);
    assert.deepEqual(
      facts().slice(2).map((fact) => [fact.type, fact.data.clientId]),
      [
        ['gatehouse.client.password-changed.v1', 'phone'],
        ['gatehouse.client.password-changed.v1', 'laptop'],
        ['gatehouse.client.forgotten.v1', 'phone'],
        ['gatehouse.client.forgotten.v1', 'laptop'],
      ],
    );
  });

  it("folds an account's history into what a new client is checked against", () => {
    const created = sourceEvent('gatehouse.account.created.v1', { jid, credentials: credentials() }, t(1));
    const changed = sourceEvent('gatehouse.account.password-changed.v1', { jid, credentials: credentials() }, t(2));
    const deleted = sourceEvent('gatehouse.account.deleted.v1', { jid }, t(3));
    const again = sourceEvent('gatehouse.account.created.v1', { jid, credentials: credentials() }, t(4));
    assert.deepEqual(accountFactsFrom([]), {});
    assert.deepEqual(accountFactsFrom([created, changed]), { createdAt: t(1), passwordChangedAt: t(2) });
    assert.deepEqual(accountFactsFrom([created, changed, deleted]), { createdAt: t(1), passwordChangedAt: t(2), deletedAt: t(3) });
    assert.deepEqual(accountFactsFrom([created, changed, deleted, again]), { createdAt: t(4) });
  });
});

function credentials() {
  const credential = { salt: 'c2FsdA==', iterations: 4096, storedKey: 'c3RvcmVk', serverKey: 'c2VydmVy' };
  return { 'SCRAM-SHA-1': credential, 'SCRAM-SHA-256': credential };
}
