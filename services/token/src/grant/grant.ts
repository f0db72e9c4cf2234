import type { GrantCreatedData, GrantEvent, UserAgent } from '@gatehouse/events';
import type { Fact } from '@gatehouse/event-store';

export type GrantFact = Fact<GrantEvent>;
export type AuthenticatedBy = GrantCreatedData['authenticatedBy'];

/** One account's grant to one client id (mod_tokenauth 13.x grants, per XEP-0388 client). */
export type GrantState =
  | { status: 'absent' }
  | {
      status: 'active';
      grantId: string;
      createdAt: string;
      authenticatedBy: AuthenticatedBy;
      userAgent?: UserAgent;
      lastUsedAt: string;
      lastUsedBy: AuthenticatedBy;
    }
  | { status: 'revoked'; grantId: string; createdAt: string; revokedAt: string; reason: string };

export type ActiveGrant = Extract<GrantState, { status: 'active' }>;

export function initialState(): GrantState {
  return { status: 'absent' };
}

export function evolve(state: GrantState, event: GrantFact): GrantState {
  switch (event.type) {
    case 'gatehouse.grant.created.v1': {
      const { grantId, authenticatedBy, userAgent } = event.data;
      return {
        status: 'active',
        grantId,
        createdAt: event.time,
        authenticatedBy,
        ...(userAgent === undefined ? {} : { userAgent }),
        lastUsedAt: event.time,
        lastUsedBy: authenticatedBy,
      };
    }
    case 'gatehouse.grant.used.v1':
      return state.status === 'active' && state.grantId === event.data.grantId
        ? { ...state, lastUsedAt: event.time, lastUsedBy: event.data.authenticatedBy }
        : state;
    case 'gatehouse.grant.revoked.v1':
      return state.status === 'active' && state.grantId === event.data.grantId
        ? { status: 'revoked', grantId: state.grantId, createdAt: state.createdAt, revokedAt: event.time, reason: event.data.reason }
        : state;
    default: {
      const unexpected: never = event;
      throw new Error(`unhandled grant event ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * The grant if it still gives access: active, and created no earlier than the account's
 * last password change (undefined: no active account). Revocation on a password change
 * is also written as events; this check keeps a grant void even if that write was lost.
 */
export function liveGrant(state: GrantState, passwordChangedAt: string | undefined): ActiveGrant | undefined {
  if (state.status !== 'active' || passwordChangedAt === undefined) return undefined;
  return Date.parse(state.createdAt) >= Date.parse(passwordChangedAt) ? state : undefined;
}
