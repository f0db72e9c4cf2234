import type { FastTokenEvent, FastTokenInvalidationReason } from '@gatehouse/events';
import type { Fact } from '@gatehouse/event-store';

export type FastTokenFact = Fact<FastTokenEvent>;

/** A token in a slot: everything needed to verify it except the token, which is derived. */
export interface FastTokenSlot {
  tokenId: string;
  grantId: string;
  mechanism: string;
  issuedAt: string;
  expiresAt: string;
  /** Highest XEP-0484 `count` a successful login with this token carried. */
  lastCount?: number;
}

/** An invalidated token, remembered so that presenting it says credentials-expired (XEP-0484 §4.2). */
export interface RetiredFastToken {
  tokenId: string;
  mechanism: string;
  expiresAt: string;
  reason: FastTokenInvalidationReason;
}

/**
 * The FAST tokens of one account and client (XEP-0484 § Implementation Notes): `current`,
 * and `next`, a newer token the client may not have received yet. Two independent slots
 * rather than a `status` union: a union would only enumerate the four
 * slot combinations without ruling anything out.
 */
export interface FastTokenState {
  current?: FastTokenSlot;
  next?: FastTokenSlot;
  /** Newest last; kept until they expire, at most MAX_RETIRED. */
  retired: RetiredFastToken[];
  /** The token of the last successful login: what `<fast invalidate='1'>` means. */
  lastUsedTokenId?: string;
}

/** Invalidated tokens remembered per client; older ones then fail as not-authorized. */
export const MAX_RETIRED = 8;

export function initialState(): FastTokenState {
  return { retired: [] };
}

function retire(state: FastTokenState, tokenId: string, reason: FastTokenInvalidationReason): FastTokenState {
  const { current, next, ...rest } = state;
  const token = [current, next].find((slot) => slot?.tokenId === tokenId);
  if (!token) return state;
  return {
    ...rest,
    ...(current && current !== token ? { current } : {}),
    ...(next && next !== token ? { next } : {}),
    retired: [...state.retired, { tokenId, mechanism: token.mechanism, expiresAt: token.expiresAt, reason }].slice(-MAX_RETIRED),
  };
}

function fold(state: FastTokenState, event: FastTokenFact): FastTokenState {
  switch (event.type) {
    case 'gatehouse.fast-token.issued.v1':
    case 'gatehouse.fast-token.rotated.v1': {
      const { tokenId, grantId, mechanism, expiresAt } = event.data;
      const slot: FastTokenSlot = { tokenId, grantId, mechanism, issuedAt: event.time, expiresAt };
      return event.type === 'gatehouse.fast-token.issued.v1' ? { ...state, current: slot } : { ...state, next: slot };
    }
    case 'gatehouse.fast-token.used.v1': {
      const { tokenId, count } = event.data;
      const used = state.next?.tokenId === tokenId ? state.next : state.current?.tokenId === tokenId ? state.current : undefined;
      if (!used) return state;
      const current = { ...used, ...(count === undefined ? {} : { lastCount: count }) };
      // A next token used becomes the current one (the old current was invalidated just before).
      const { next: _next, ...rest } = state;
      return used === state.next ? { ...rest, current, lastUsedTokenId: tokenId } : { ...state, current, lastUsedTokenId: tokenId };
    }
    case 'gatehouse.fast-token.invalidated.v1':
      return retire(state, event.data.tokenId, event.data.reason);
    default: {
      const unexpected: never = event;
      throw new Error(`unhandled FAST token event ${JSON.stringify(unexpected)}`);
    }
  }
}

/** Folds one event; retired tokens that have expired by then are forgotten. */
export function evolve(state: FastTokenState, event: FastTokenFact): FastTokenState {
  const next = fold(state, event);
  const now = Date.parse(event.time);
  const retired = next.retired.filter((token) => Date.parse(token.expiresAt) > now);
  return retired.length === next.retired.length ? next : { ...next, retired };
}
