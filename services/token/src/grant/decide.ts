import type { UserAgent } from '@gatehouse/events';
import { liveGrant, type AuthenticatedBy, type GrantFact, type GrantState } from './grant.ts';

/**
 * A use is recorded at most this often per grant and way of authenticating, as Prosody's
 * `token_auth_access_time_granularity` (60 s) does: a FAST login is seen both by
 * fast.verify and by grant.record, and reconnect storms should not flood the stream.
 */
export const GRANT_USE_GRANULARITY_MS = 60_000;

/** After a successful login with a client id: create the grant, or record its use. */
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

/** A FAST token of this grant was just used: record the use, never create. */
export interface NoteGrantUse {
  type: 'NoteGrantUse';
  jid: string;
  clientId: string;
  grantId: string;
  authenticatedBy: AuthenticatedBy;
}

export interface RevokeGrant {
  type: 'RevokeGrant';
  jid: string;
  clientId: string;
  reason: string;
  /** Only a grant created at or before this instant (the password change it follows). */
  createdNotAfter?: string;
}

export type GrantCommand = RecordGrant | NoteGrantUse | RevokeGrant;

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

function use(state: Extract<GrantState, { status: 'active' }>, command: RecordGrant | NoteGrantUse, now: Date): GrantFact[] {
  const recent = now.getTime() - Date.parse(state.lastUsedAt) < GRANT_USE_GRANULARITY_MS;
  if (recent && state.lastUsedBy === command.authenticatedBy) return [];
  const { jid, clientId, authenticatedBy } = command;
  return [{ type: 'gatehouse.grant.used.v1', time: now.toISOString(), data: { jid, clientId, grantId: state.grantId, authenticatedBy } }];
}

export function decide(command: GrantCommand, state: GrantState, now: Date): GrantFact[] {
  const time = now.toISOString();
  const { jid, clientId } = command;
  switch (command.type) {
    case 'RecordGrant': {
      const live = liveGrant(state, command.passwordChangedAt);
      if (live) return use(live, command, now);
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
    case 'NoteGrantUse':
      return state.status === 'active' && state.grantId === command.grantId ? use(state, command, now) : [];
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
