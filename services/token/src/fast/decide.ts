import type { FastTokenInvalidationReason } from '@gatehouse/events';
import { FastCredentialsExpiredError, FastNotAuthorizedError } from './errors.ts';
import type { FastTokenFact, FastTokenSlot, FastTokenState } from './fast-token.ts';

/** What the token's validity depends on outside its own aggregate, fetched by the caller. */
export interface FastTokenFacts {
  /** The account's last password change (creation counts); undefined: no active account. */
  passwordChangedAt?: string;
  /** The client's live grant; undefined when it has none (never granted, or revoked). */
  grantId?: string;
}

/** Puts a new token in `next`, or in `current` when there is no valid current one. */
export interface IssueFastToken {
  type: 'IssueFastToken';
  jid: string;
  clientId: string;
  /** Random, and the token's hash, made by the caller so `decide` stays pure. */
  tokenId: string;
  tokenHash: string;
  mechanism: string;
  lifetimeMs: number;
  /** The live grant the token belongs to, and the account's password change. */
  facts: Required<FastTokenFacts>;
}

/**
 * A FAST login. `matches` says whether the client's proof was made with the token of a
 * given id: a pure function of the proof and the service key, which `decide` never sees.
 */
export interface UseFastToken {
  type: 'UseFastToken';
  jid: string;
  clientId: string;
  mechanism: string;
  /** XEP-0484 `<fast count>`, when the client sent one. */
  count?: number;
  matches: (tokenId: string) => boolean;
  facts: FastTokenFacts;
}

/** XEP-0484 `<fast invalidate='1'>`: the token of the last successful login goes. */
export interface InvalidateUsedFastToken {
  type: 'InvalidateUsedFastToken';
  jid: string;
  clientId: string;
}

/** Every token of the client goes (grant revoked, password changed, account deleted). */
export interface InvalidateFastTokens {
  type: 'InvalidateFastTokens';
  jid: string;
  clientId: string;
  reason: Extract<FastTokenInvalidationReason, 'grant-revoked' | 'password-changed' | 'account-deleted'>;
  /** Only tokens issued at or before this instant (the password change it follows). */
  issuedNotAfter?: string;
}

export type FastTokenCommand = IssueFastToken | UseFastToken | InvalidateUsedFastToken | InvalidateFastTokens;

/** Why a token in a slot no longer logs anyone in, if it does not. */
export function voidReason(slot: FastTokenSlot, facts: FastTokenFacts, now: Date): FastTokenInvalidationReason | undefined {
  // `<=`: a token is dead at its expiry instant (Prosody since 9732b0f9d).
  if (Date.parse(slot.expiresAt) <= now.getTime()) return 'expired';
  if (facts.passwordChangedAt === undefined) return 'account-deleted';
  if (Date.parse(slot.issuedAt) < Date.parse(facts.passwordChangedAt)) return 'password-changed';
  if (slot.grantId !== facts.grantId) return 'grant-revoked';
  return undefined;
}

function invalidated({ jid, clientId }: { jid: string; clientId: string }, tokenId: string, reason: FastTokenInvalidationReason, time: string): FastTokenFact {
  return { type: 'gatehouse.fast-token.invalidated.v1', time, data: { jid, clientId, tokenId, reason } };
}

function issue(command: IssueFastToken, state: FastTokenState, now: Date): FastTokenFact[] {
  const time = now.toISOString();
  const facts: FastTokenFact[] = [];
  // XEP-0484 §3.5 SHOULD: a newer token replaces one never used.
  if (state.next) {
    facts.push(invalidated(command, state.next.tokenId, voidReason(state.next, command.facts, now) ?? 'replaced-unused', time));
  }
  let current = state.current;
  const currentVoid = current && voidReason(current, command.facts, now);
  if (current && currentVoid) {
    facts.push(invalidated(command, current.tokenId, currentVoid, time));
    current = undefined;
  }
  const { jid, clientId, tokenId, tokenHash, mechanism } = command;
  const expiresAt = new Date(now.getTime() + command.lifetimeMs).toISOString();
  const token = { jid, clientId, tokenId, tokenHash, mechanism, grantId: command.facts.grantId, expiresAt };
  // XEP-0484 §3.5: the current token stays valid until the new one is used.
  facts.push(
    current
      ? { type: 'gatehouse.fast-token.rotated.v1', time, data: { ...token, replacesTokenId: current.tokenId } }
      : { type: 'gatehouse.fast-token.issued.v1', time, data: token },
  );
  return facts;
}

function use(command: UseFastToken, state: FastTokenState, now: Date): FastTokenFact[] {
  const time = now.toISOString();
  // XEP-0484 §3.4: a token only ever matches under the mechanism it was issued for.
  const candidates = [state.next, state.current].filter((slot): slot is FastTokenSlot => slot?.mechanism === command.mechanism);
  const used = candidates.find((slot) => command.matches(slot.tokenId));
  if (!used) {
    const retired = state.retired.find((token) => token.mechanism === command.mechanism && command.matches(token.tokenId));
    if (!retired) throw new FastNotAuthorizedError('token-unknown', 'no FAST token of this client matches the proof');
    if (retired.reason === 'expired' || Date.parse(retired.expiresAt) <= now.getTime()) {
      throw new FastCredentialsExpiredError('token-expired', 'the FAST token has expired');
    }
    throw new FastCredentialsExpiredError('token-revoked', `the FAST token was invalidated (${retired.reason})`);
  }
  const reason = voidReason(used, command.facts, now);
  if (reason === 'expired') throw new FastCredentialsExpiredError('token-expired', 'the FAST token has expired');
  if (reason) throw new FastCredentialsExpiredError('token-revoked', `the FAST token is void (${reason})`, reason);
  // XEP-0484 §3.4: a count must grow. A repeat is a replayed message, not a stale token, so it is
  // not-authorized (RFC 6120 §6.5.10, improper credentials for this attempt) rather than
  // credentials-expired, which tells the genuine client to throw away a token that is
  // still good (XEP-0484 §4.2). The token is left as it was.
  if (command.count !== undefined && used.lastCount !== undefined && command.count <= used.lastCount) {
    throw new FastNotAuthorizedError('token-replayed', `count ${command.count} is not above the last one processed`);
  }
  const facts: FastTokenFact[] = [];
  // XEP-0484 §3.5 MUST: using a token invalidates those of the client with an earlier expiry: the old current.
  if (used === state.next && state.current) facts.push(invalidated(command, state.current.tokenId, 'superseded', time));
  const { jid, clientId, mechanism, count } = command;
  // Catalog v2: a routine FAST login (the current token again, no count) changes nothing
  // here and stores nothing; the login is session.established. A use is stored when it
  // changes the tokens: the next token taking over, a count to check the next against
  // (XEP-0484 §3.4, on every replica and after a restart), or the token `<fast invalidate>` means.
  const changes = used === state.next || count !== undefined || state.lastUsedTokenId !== used.tokenId;
  if (!changes) return facts;
  facts.push({
    type: 'gatehouse.fast-token.used.v1',
    time,
    data: { jid, clientId, tokenId: used.tokenId, mechanism, ...(count === undefined ? {} : { count }) },
  });
  return facts;
}

export function decide(command: FastTokenCommand, state: FastTokenState, now: Date): FastTokenFact[] {
  const time = now.toISOString();
  switch (command.type) {
    case 'IssueFastToken':
      return issue(command, state, now);
    case 'UseFastToken':
      return use(command, state, now);
    case 'InvalidateUsedFastToken': {
      const slot = [state.current, state.next].find((token) => token !== undefined && token.tokenId === state.lastUsedTokenId);
      return slot ? [invalidated(command, slot.tokenId, 'client-request', time)] : [];
    }
    case 'InvalidateFastTokens': {
      const { issuedNotAfter } = command;
      return [state.current, state.next]
        .filter((slot): slot is FastTokenSlot => slot !== undefined)
        .filter((slot) => issuedNotAfter === undefined || Date.parse(slot.issuedAt) <= Date.parse(issuedNotAfter))
        .map((slot) => invalidated(command, slot.tokenId, command.reason, time));
    }
    default: {
      const unexpected: never = command;
      throw new Error(`unhandled FAST token command ${JSON.stringify(unexpected)}`);
    }
  }
}
