import type { UserAgent } from '@gatehouse/events';
import { liveGrant, type AuthenticatedBy, type GrantFact, type GrantState } from './grant.ts';


/**
 * After a successful login with a client id: create the grant. A login under a live grant
 * stores nothing (catalog v2: grant.used is no longer written; session.established tells
 * every login, and the service notes uses in memory, access.ts).
 */
export interface RecordGrant {
  type: 'RecordGrant';
  jid: string;
  clientId: string;
  /** Id for the grant if one is created (random, so `decide` stays pure). */
  grantId: string;
  authenticatedBy: AuthenticatedBy;
  userAgent?: UserAgent;
  /** Fact: the account's last password change (creation counts); the account is active. */
  passwordChangedAt: string;
}


export interface RevokeGrant {
  type: 'RevokeGrant';
  jid: string;
  clientId: string;
  reason: string;
  /** Only a grant created at or before this instant (the password change it follows). */
  createdNotAfter?: string;
}

export type GrantCommand = RecordGrant | RevokeGrant;

export class GrantNotFoundError extends Error {
  readonly code = 'grant-not-found';
  constructor(
    readonly jid: string,
    readonly clientId: string,
  ) {
    super(`${jid} has never granted access to that client`);
    this.name = 'GrantNotFoundError';
  }
}


export function decide(command: GrantCommand, state: GrantState, now: Date): GrantFact[] {
  const time = now.toISOString();
  const { jid, clientId } = command;
  switch (command.type) {
    case 'RecordGrant': {
      const live = liveGrant(state, command.passwordChangedAt);
      if (live) return [];
      const { grantId, authenticatedBy, userAgent } = command;
      const created: GrantFact = {
        type: 'gatehouse.grant.created.v1',
        time,
        data: { jid, clientId, grantId, authenticatedBy, ...(userAgent === undefined ? {} : { userAgent }) },
      };
      // Active but older than the password: its revocation was not written. Write it now.
      if (state.status === 'active') {
        return [
          { type: 'gatehouse.grant.revoked.v1', time, data: { jid, clientId, grantId: state.grantId, reason: 'password-changed' } },
          created,
        ];
      }
      return [created];
    }
    case 'RevokeGrant': {
      if (state.status === 'absent') throw new GrantNotFoundError(jid, clientId);
      if (state.status === 'revoked') return [];
      const { createdNotAfter } = command;
      if (createdNotAfter !== undefined && Date.parse(state.createdAt) > Date.parse(createdNotAfter)) return [];
      return [{ type: 'gatehouse.grant.revoked.v1', time, data: { jid, clientId, grantId: state.grantId, reason: command.reason } }];
    }
    default: {
      const unexpected: never = command;
      throw new Error(`unhandled grant command ${JSON.stringify(unexpected)}`);
    }
  }
}
