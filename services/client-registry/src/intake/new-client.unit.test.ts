import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountFacts } from '../client/decide.ts';
import { sourceEvent, testIntake } from './test-intake.ts';

const jid = 'juliet@capulet.lit';
const t = (second: number) => `2025-03-01T11:00:${String(second).padStart(2, '0')}.000Z`;
const established = () =>
  sourceEvent(
    'gatehouse.session.established.v1',
    { sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', replica: 'gw0', jid: `${jid}/balcony`, transport: 'tls', clientIp: '127.0.0.1', openedAt: t(1), mechanism: 'SCRAM-SHA-1', method: 'password', clientId: 'phone', legacy: false },
    t(1),
  );

/** The account's history as read before the client is made, then as read after (another replica handled a change between). */
function historyChangingAfterFirstRead(after: AccountFacts) {
  let reads = 0;
  return async () => (reads++ === 0 ? { createdAt: t(0) } : after);
}

describe('a new client and account changes handled meanwhile on another replica', () => {
  it('learns a password change its creation did not see', async () => {
    const { deps, sessions, facts } = testIntake();
    deps.accountFacts = historyChangingAfterFirstRead({ createdAt: t(0), passwordChangedAt: t(5) });
    await sessions.handle(established());
    assert.deepEqual(facts().map((fact) => [fact.type, fact.time]), [
      ['gatehouse.client.seen.v1', t(1)],
      ['gatehouse.client.password-changed.v1', t(5)],
    ]);
  });

  it("is forgotten with an account deleted after its creation read the account's history", async () => {
    const { deps, sessions, facts } = testIntake();
    deps.accountFacts = historyChangingAfterFirstRead({ createdAt: t(0), deletedAt: t(6) });
    await sessions.handle(established());
    assert.deepEqual(facts().map((fact) => [fact.type, fact.time, (fact.data as { reason?: string }).reason]), [
      ['gatehouse.client.seen.v1', t(1), undefined],
      ['gatehouse.client.forgotten.v1', t(6), 'account-deleted'],
    ]);
  });

  it('stores nothing more when the history read again says what the creation saw', async () => {
    const { deps, sessions, facts } = testIntake();
    deps.accountFacts = async () => ({ createdAt: t(0), passwordChangedAt: t(0) });
    await sessions.handle(established());
    await sessions.handle(established());
    assert.deepEqual(facts().map((fact) => fact.type), ['gatehouse.client.seen.v1', 'gatehouse.client.password-changed.v1']);
  });
});
