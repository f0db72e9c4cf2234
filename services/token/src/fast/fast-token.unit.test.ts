import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastTokenInvalidationReason } from '@gatehouse/events';
import { deciderSpec } from '@gatehouse/testing';
import { decide, voidReason, type FastTokenCommand, type FastTokenFacts, type UseFastToken } from './decide.ts';
import { FastCredentialsExpiredError, FastNotAuthorizedError } from './errors.ts';
import { evolve, initialState, MAX_RETIRED, type FastTokenFact, type FastTokenState } from './fast-token.ts';

const jid = 'alice@localhost';
const clientId = 'c0ffee00-0000-4000-8000-000000000001';
const grantId = 'GGGGGGGGGGGGGGGGGGGGGG';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LIFETIME = 21 * DAY;
const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const facts: Required<FastTokenFacts> = { passwordChangedAt: '2025-02-01T00:00:00.000Z', grantId };
const NONE = 'HT-SHA-256-NONE';
const ENDP = 'HT-SHA-256-ENDP';
const id = (n: number) => `tok${String(n).padStart(19, '0')}`;
const hash = (n: number) => String(n).repeat(64).slice(0, 64);

const newToken = (n: number, at: number, mechanism = NONE, grant = grantId) => ({
  jid,
  clientId,
  tokenId: id(n),
  tokenHash: hash(n),
  mechanism,
  grantId: grant,
  expiresAt: iso(at + LIFETIME),
});
const issued = (n: number, at = 0, mechanism = NONE, grant = grantId): FastTokenFact => ({
  type: 'gatehouse.fast-token.issued.v1',
  time: iso(at),
  data: newToken(n, at, mechanism, grant),
});
const rotated = (n: number, replaces: number, at: number, mechanism = NONE): FastTokenFact => ({
  type: 'gatehouse.fast-token.rotated.v1',
  time: iso(at),
  data: { ...newToken(n, at, mechanism), replacesTokenId: id(replaces) },
});
const used = (n: number, at: number, count?: number, mechanism = NONE): FastTokenFact => ({
  type: 'gatehouse.fast-token.used.v1',
  time: iso(at),
  data: { jid, clientId, tokenId: id(n), mechanism, ...(count === undefined ? {} : { count }) },
});
const invalidated = (n: number, reason: FastTokenInvalidationReason, at: number): FastTokenFact => ({
  type: 'gatehouse.fast-token.invalidated.v1',
  time: iso(at),
  data: { jid, clientId, tokenId: id(n), reason },
});

const issue = (n: number, mechanism = NONE, withFacts: Required<FastTokenFacts> = facts): FastTokenCommand => ({
  type: 'IssueFastToken',
  jid,
  clientId,
  tokenId: id(n),
  tokenHash: hash(n),
  mechanism,
  lifetimeMs: LIFETIME,
  facts: withFacts,
});
/** The client proves possession of token n (and of no other). */
const use = (n: number, options: Partial<Pick<UseFastToken, 'mechanism' | 'count' | 'facts'>> = {}): FastTokenCommand => ({
  type: 'UseFastToken',
  jid,
  clientId,
  mechanism: options.mechanism ?? NONE,
  ...(options.count === undefined ? {} : { count: options.count }),
  matches: (tokenId) => tokenId === id(n),
  facts: options.facts ?? facts,
});

const specAt = (ms: number) =>
  deciderSpec<FastTokenCommand, FastTokenFact, FastTokenState>({
    decide: (command, state) => decide(command, state, new Date(T0 + ms)),
    evolve,
    initialState,
  });

const expired = (reason: 'token-expired' | 'token-revoked') => (error: FastCredentialsExpiredError) => {
  assert.equal(error.code, 'credentials-expired');
  assert.equal(error.reason, reason);
  assert.match(error.message, new RegExp(`^${reason}: `));
};
const refused = (reason: 'token-unknown' | 'token-replayed') => (error: FastNotAuthorizedError) => {
  assert.equal(error.code, 'not-authorized');
  assert.equal(error.reason, reason);
};

describe('FAST token: issuing', () => {
  it('puts the first token in current, expiring after the lifetime', () => {
    specAt(0).given([]).when(issue(1)).then([issued(1)]);
  });

  it('puts a token in next when a current one is valid: rotated, replacing it only once used (XEP-0484 §3.5)', () => {
    specAt(2 * DAY).given([issued(1)]).when(issue(2)).then([rotated(2, 1, 2 * DAY)]);
  });

  it('replaces an unused next token, invalidating it (XEP-0484 §3.5 SHOULD)', () => {
    specAt(3 * DAY)
      .given([issued(1), rotated(2, 1, 2 * DAY)])
      .when(issue(3))
      .then([invalidated(2, 'replaced-unused', 3 * DAY), rotated(3, 1, 3 * DAY)]);
  });

  it('clears an expired current token and issues into current', () => {
    specAt(LIFETIME).given([issued(1)]).when(issue(2)).then([invalidated(1, 'expired', LIFETIME), issued(2, LIFETIME)]);
  });

  it('clears a current token of a revoked grant or from before the password', () => {
    const regranted = { ...facts, grantId: 'NNNNNNNNNNNNNNNNNNNNNN' };
    specAt(HOUR)
      .given([issued(1)])
      .when(issue(2, NONE, regranted))
      .then([invalidated(1, 'grant-revoked', HOUR), issued(2, HOUR, NONE, regranted.grantId)]);
    specAt(HOUR)
      .given([issued(1)])
      .when(issue(2, NONE, { ...facts, passwordChangedAt: iso(1) }))
      .then([invalidated(1, 'password-changed', HOUR), issued(2, HOUR)]);
  });

  it('binds the token to the mechanism it was requested for', () => {
    specAt(0).given([]).when(issue(1, ENDP)).then([issued(1, 0, ENDP)]);
  });
});

describe('FAST token: logging in', () => {
  it('succeeds with the current token', () => {
    specAt(HOUR).given([issued(1)]).when(use(1)).then([used(1, HOUR)]);
  });

  it('succeeds with the old current token while the next one is unused (XEP-0484 §3.5)', () => {
    specAt(3 * DAY).given([issued(1), rotated(2, 1, 2 * DAY)]).when(use(1)).then([used(1, 3 * DAY)]);
  });

  it('promotes the next token when it is used, invalidating the earlier current one (XEP-0484 §3.5)', () => {
    const history = [issued(1), rotated(2, 1, 2 * DAY)];
    specAt(3 * DAY).given(history).when(use(2)).then([invalidated(1, 'superseded', 3 * DAY), used(2, 3 * DAY)]);
    specAt(4 * DAY)
      .given([...history, invalidated(1, 'superseded', 3 * DAY), used(2, 3 * DAY)])
      .when(use(1))
      .thenThrows(FastCredentialsExpiredError, expired('token-revoked'));
    // Catalog v2: the current token used again, without a count, changes nothing and stores nothing.
    specAt(4 * DAY).given([...history, invalidated(1, 'superseded', 3 * DAY), used(2, 3 * DAY)]).when(use(2)).then([]);
  });

  it('stores a use only when it changes the tokens (catalog v2): the first use of a token, a count, the next taking over', () => {
    specAt(HOUR).given([issued(1)]).when(use(1)).then([used(1, HOUR)]);
    specAt(2 * HOUR).given([issued(1), used(1, HOUR)]).when(use(1)).then([]);
    specAt(2 * HOUR).given([issued(1), used(1, HOUR)]).when(use(1, { count: 2 })).then([used(1, 2 * HOUR, 2)]);
  });

  it('refuses a token under another mechanism than its own (XEP-0484 §3.4)', () => {
    specAt(HOUR).given([issued(1, 0, ENDP)]).when(use(1, { mechanism: NONE })).thenThrows(FastNotAuthorizedError, refused('token-unknown'));
    specAt(HOUR).given([issued(1, 0, ENDP)]).when(use(1, { mechanism: ENDP })).then([used(1, HOUR, undefined, ENDP)]);
  });

  it('refuses a proof no token of the client matches as not-authorized', () => {
    specAt(HOUR).given([]).when(use(1)).thenThrows(FastNotAuthorizedError, refused('token-unknown'));
    specAt(HOUR).given([issued(1)]).when(use(9)).thenThrows(FastNotAuthorizedError, refused('token-unknown'));
  });

  it('refuses an expired token as credentials-expired, from its expiry instant on', () => {
    specAt(LIFETIME - 1).given([issued(1)]).when(use(1)).then([used(1, LIFETIME - 1)]);
    specAt(LIFETIME).given([issued(1)]).when(use(1)).thenThrows(FastCredentialsExpiredError, expired('token-expired'));
  });

  it('refuses a token issued before the last password change as credentials-expired', () => {
    specAt(HOUR)
      .given([issued(1)])
      .when(use(1, { facts: { ...facts, passwordChangedAt: iso(1) } }))
      .thenThrows(FastCredentialsExpiredError, expired('token-revoked'));
    specAt(HOUR).given([issued(1)]).when(use(1, { facts: { ...facts, passwordChangedAt: iso(0) } })).then([used(1, HOUR)]);
  });

  it('refuses a token of a revoked grant, or of a deleted account, as credentials-expired', () => {
    specAt(HOUR)
      .given([issued(1)])
      .when(use(1, { facts: { passwordChangedAt: facts.passwordChangedAt } }))
      .thenThrows(FastCredentialsExpiredError, expired('token-revoked'));
    specAt(HOUR).given([issued(1)]).when(use(1, { facts: { grantId } })).thenThrows(FastCredentialsExpiredError, expired('token-revoked'));
  });

  it('refuses an invalidated token as credentials-expired (XEP-0484 §4.2), and an expired retired one as expired', () => {
    const history = [issued(1), invalidated(1, 'client-request', HOUR)];
    specAt(2 * HOUR).given(history).when(use(1)).thenThrows(FastCredentialsExpiredError, expired('token-revoked'));
    specAt(2 * HOUR).given([issued(2), invalidated(2, 'expired', HOUR)]).when(use(2)).thenThrows(FastCredentialsExpiredError, expired('token-expired'));
  });

  it('records the count and refuses one not above the last processed as a replay (XEP-0484 §3.4)', () => {
    specAt(HOUR).given([issued(1)]).when(use(1, { count: 1 })).then([used(1, HOUR, 1)]);
    const history = [issued(1), used(1, HOUR, 5)];
    for (const count of [5, 4, 0]) {
      specAt(2 * HOUR).given(history).when(use(1, { count })).thenThrows(FastNotAuthorizedError, refused('token-replayed'));
    }
    specAt(2 * HOUR).given(history).when(use(1, { count: 6 })).then([used(1, 2 * HOUR, 6)]);
    specAt(2 * HOUR).given(history).when(use(1)).then([]);
  });

  it('keeps counts per token: a promoted token starts afresh', () => {
    const history = [issued(1), used(1, HOUR, 9), rotated(2, 1, 2 * DAY)];
    specAt(3 * DAY).given(history).when(use(2, { count: 1 })).then([invalidated(1, 'superseded', 3 * DAY), used(2, 3 * DAY, 1)]);
  });
});

describe('FAST token: invalidation', () => {
  it("invalidates the token of the last login on <fast invalidate='1'> (XEP-0484 §3.6)", () => {
    specAt(2 * HOUR)
      .given([issued(1), used(1, HOUR)])
      .when({ type: 'InvalidateUsedFastToken', jid, clientId })
      .then([invalidated(1, 'client-request', 2 * HOUR)]);
  });

  it('invalidates the promoted token, leaving a token issued afterwards', () => {
    const history = [issued(1), rotated(2, 1, 2 * DAY), invalidated(1, 'superseded', 3 * DAY), used(2, 3 * DAY), rotated(3, 2, 3 * DAY)];
    specAt(3 * DAY).given(history).when({ type: 'InvalidateUsedFastToken', jid, clientId }).then([invalidated(2, 'client-request', 3 * DAY)]);
  });

  it('has nothing to invalidate when no token was used or it is gone already', () => {
    specAt(HOUR).given([issued(1)]).when({ type: 'InvalidateUsedFastToken', jid, clientId }).then([]);
    specAt(HOUR).given([issued(1), used(1, 1), invalidated(1, 'client-request', 2)]).when({ type: 'InvalidateUsedFastToken', jid, clientId }).then([]);
  });

  it('invalidates both slots when the grant is revoked', () => {
    specAt(3 * DAY)
      .given([issued(1), rotated(2, 1, 2 * DAY)])
      .when({ type: 'InvalidateFastTokens', jid, clientId, reason: 'grant-revoked' })
      .then([invalidated(1, 'grant-revoked', 3 * DAY), invalidated(2, 'grant-revoked', 3 * DAY)]);
    specAt(3 * DAY).given([]).when({ type: 'InvalidateFastTokens', jid, clientId, reason: 'grant-revoked' }).then([]);
  });

  it('on a password change, cuts every token issued up to it and none issued after', () => {
    const change = { type: 'InvalidateFastTokens', jid, clientId, reason: 'password-changed' } as const;
    specAt(3 * DAY)
      .given([issued(1), rotated(2, 1, 2 * DAY)])
      .when({ ...change, issuedNotAfter: iso(DAY) })
      .then([invalidated(1, 'password-changed', 3 * DAY)]);
    specAt(3 * DAY)
      .given([issued(1), rotated(2, 1, 2 * DAY)])
      .when({ ...change, issuedNotAfter: iso(2 * DAY) })
      .then([invalidated(1, 'password-changed', 3 * DAY), invalidated(2, 'password-changed', 3 * DAY)]);
  });
});

describe('FAST token: evolve', () => {
  it('moves next to current when it is used and remembers the last login', () => {
    const state = [issued(1), rotated(2, 1, DAY), invalidated(1, 'superseded', 2 * DAY), used(2, 2 * DAY, 3)].reduce(evolve, initialState());
    assert.deepEqual(state, {
      current: { tokenId: id(2), grantId, mechanism: NONE, issuedAt: iso(DAY), expiresAt: iso(DAY + LIFETIME), lastCount: 3 },
      retired: [{ tokenId: id(1), mechanism: NONE, expiresAt: iso(LIFETIME), reason: 'superseded' }],
      lastUsedTokenId: id(2),
    });
  });

  it('forgets retired tokens once expired, and keeps at most MAX_RETIRED', () => {
    let state = initialState();
    for (let n = 1; n <= MAX_RETIRED + 3; n += 1) {
      state = evolve(evolve(state, issued(n, n)), invalidated(n, 'client-request', n));
    }
    assert.deepEqual(
      state.retired.map((token) => token.tokenId),
      Array.from({ length: MAX_RETIRED }, (_, i) => id(i + 4)),
    );
    state = evolve(state, issued(99, LIFETIME + 6));
    assert.deepEqual(
      state.retired.map((token) => token.tokenId),
      Array.from({ length: MAX_RETIRED - 3 }, (_, i) => id(i + 7)),
    );
  });

  it('says why a slot is void: expiry first, then account, password, grant', () => {
    const slot = evolve(initialState(), issued(1)).current;
    assert.ok(slot);
    const now = new Date(T0 + HOUR);
    assert.equal(voidReason(slot, facts, now), undefined);
    assert.equal(voidReason(slot, facts, new Date(T0 + LIFETIME)), 'expired');
    assert.equal(voidReason(slot, {}, now), 'account-deleted');
    assert.equal(voidReason(slot, { ...facts, passwordChangedAt: iso(1) }, now), 'password-changed');
    assert.equal(voidReason(slot, { passwordChangedAt: facts.passwordChangedAt }, now), 'grant-revoked');
  });
});
