import type { ClientSeenData, UserAgent } from '@gatehouse/events';
import type { LoginFacts } from '../logins/login-facts.ts';
import { isActive } from './access.ts';
import type { ClientFact, ClientState } from './client.ts';
import { withLogins } from './with-logins.ts';

/**
 * The account's history as of now (its own subject on the accounts stream), fetched by the
 * caller when a fact would make a client known: facts from the sessions and tokens streams
 * may be handled long after the account changed, e.g. after the registry was down.
 */
export interface AccountFacts {
  /** The current incarnation's creation (a JID may be registered again after deletion). */
  createdAt?: string;
  /** Its last password change. */
  passwordChangedAt?: string;
  /** Set when the account is deleted now. */
  deletedAt?: string;
}

interface Recorded {
  jid: string;
  clientId: string;
  /** When the reported fact happened: the time of the event it comes from. */
  at: string;
}

/**
 * A login on an XMPP stream (legacy clients before v2: reported when the resource was
 * bound). It is stored (client.seen) only when it changes the client (catalog v2).
 */
export interface RecordAuthentication extends Recorded {
  type: 'RecordAuthentication';
  sessionId: string;
  legacy: boolean;
  mechanism: string;
  method: 'password' | 'fast';
  userAgent?: UserAgent;
  /** Fetched only when the client is unknown. */
  account?: AccountFacts;
}

export interface RecordGrant extends Recorded {
  type: 'RecordGrant';
  grantId: string;
  authenticatedBy: 'password' | 'fast';
  userAgent?: UserAgent;
  /** Fetched only when the client is unknown. */
  account?: AccountFacts;
}

export interface RecordGrantRevocation extends Recorded {
  type: 'RecordGrantRevocation';
  grantId: string;
  reason: string;
}

export interface RecordFastToken extends Recorded {
  type: 'RecordFastToken';
  tokenId: string;
  expiresAt: string;
}

export interface RecordFastTokenInvalidation extends Recorded {
  type: 'RecordFastTokenInvalidation';
  tokenId: string;
}

export interface RecordPasswordChange extends Recorded {
  type: 'RecordPasswordChange';
}

export interface ForgetClient extends Recorded {
  type: 'ForgetClient';
  reason: 'account-deleted' | 'client-limit';
}

/** The user (or an operator) cuts the client off: its sessions close on every gateway replica. */
export interface RevokeClient {
  type: 'RevokeClient';
  jid: string;
  clientId: string;
  /** kebab-case, e.g. `revoked-by-user`. */
  reason: string;
  /** The grant revoked with it; default: the client's own. */
  grantId?: string;
  /**
   * What the client's logins changed (live sessions, last password use), fetched for the
   * decision (with-logins.ts); `{ sessions: {} }` when none is known. Absent: the record alone.
   */
  logins?: LoginFacts;
}

export type ClientCommand =
  | RecordAuthentication
  | RecordGrant
  | RecordGrantRevocation
  | RecordFastToken
  | RecordFastTokenInvalidation
  | RecordPasswordChange
  | ForgetClient
  | RevokeClient;

/** The account has no listed client of that id: unknown, and also known but without access left (docs/client-management.md, "For users"). */
export class ClientNotFoundError extends Error {
  readonly code = 'item-not-found';
  constructor(
    readonly jid: string,
    readonly clientId: string,
  ) {
    super('Client not found');
    this.name = 'ClientNotFoundError';
  }
}

/**
 * A fact that would make an unknown client known belongs to an account that no longer
 * exists (deleted now, or deleted and registered again since): it is dropped. Otherwise
 * the account's last password change comes along, so a password login made before it
 * never counts as access, whatever order the streams were read in.
 */
function creation(command: RecordAuthentication | RecordGrant, state: ClientState, fact: ClientFact): ClientFact[] {
  const { account } = command;
  if (state.status !== 'unknown' || account === undefined) return [fact];
  if (account.deletedAt !== undefined) return [];
  if (account.createdAt !== undefined && Date.parse(command.at) < Date.parse(account.createdAt)) return [];
  if (account.passwordChangedAt === undefined) return [fact];
  const { jid, clientId } = command;
  return [fact, { type: 'gatehouse.client.password-changed.v1', time: account.passwordChangedAt, data: { jid, clientId } }];
}

/**
 * What a login changes about the client, if anything (catalog v2): a routine login of a
 * known client changes nothing a client event holds. `first-seen` also for a client known
 * so far by its grant alone: from now on it is listed as seen on a session. A revoked
 * client's login from before its revocation (read late, or again) is no return.
 */
function seenChange(command: RecordAuthentication, state: ClientState): ClientSeenData['change'] | undefined {
  if (state.status === 'unknown') return 'first-seen';
  // Revoked, or made known again by a new grant read first: the first login since is its return.
  if (state.revokedSince !== undefined && Date.parse(command.at) > Date.parse(state.revokedSince)) return 'returned';
  if (state.status === 'revoked') return undefined;
  if (!state.sessionSeen) return 'first-seen';
  if (state.userAgent === undefined && command.userAgent !== undefined) return 'user-agent-learned';
  return undefined;
}

export function decide(command: ClientCommand, state: ClientState, now: Date): ClientFact[] {
  const { jid, clientId } = command;
  const known = state.status === 'unknown' ? undefined : state;
  switch (command.type) {
    case 'RecordAuthentication': {
      const change = seenChange(command, state);
      if (!change) return [];
      const { sessionId, legacy, mechanism, method, userAgent, at } = command;
      return creation(command, state, {
        type: 'gatehouse.client.seen.v1',
        time: at,
        data: { jid, clientId, sessionId, change, legacy, mechanism, method, ...(userAgent ? { userAgent } : {}) },
      });
    }
    case 'RecordGrant': {
      if (known?.grant?.grantId === command.grantId) return [];
      const { grantId, authenticatedBy, userAgent, at } = command;
      return creation(command, state, {
        type: 'gatehouse.client.granted.v1',
        time: at,
        data: { jid, clientId, grantId, authenticatedBy, ...(userAgent ? { userAgent } : {}) },
      });
    }
    case 'RecordGrantRevocation': {
      if (known?.grant?.grantId !== command.grantId) return [];
      const { grantId, reason, at } = command;
      return [{ type: 'gatehouse.client.grant-revoked.v1', time: at, data: { jid, clientId, grantId, reason } }];
    }
    case 'RecordFastToken': {
      if (!known || known.fastTokens[command.tokenId]) return [];
      const { tokenId, expiresAt, at } = command;
      return [{ type: 'gatehouse.client.fast-token-issued.v1', time: at, data: { jid, clientId, tokenId, expiresAt } }];
    }
    case 'RecordFastTokenInvalidation':
      if (!known?.fastTokens[command.tokenId]) return [];
      return [{ type: 'gatehouse.client.fast-token-invalidated.v1', time: command.at, data: { jid, clientId, tokenId: command.tokenId } }];
    case 'RecordPasswordChange':
      if (!known || (known.passwordChangedAt !== undefined && Date.parse(known.passwordChangedAt) >= Date.parse(command.at))) return [];
      return [{ type: 'gatehouse.client.password-changed.v1', time: command.at, data: { jid, clientId } }];
    case 'ForgetClient':
      if (!known) return [];
      return [{ type: 'gatehouse.client.forgotten.v1', time: command.at, data: { jid, clientId, reason: command.reason } }];
    case 'RevokeClient': {
      const client = command.logins ? withLogins(state, command.logins) : state;
      // A record without access is "not found", not a crash.
      if (client.status === 'unknown' || !isActive(client, now)) throw new ClientNotFoundError(jid, clientId);
      const grantId = command.grantId ?? client.grant?.grantId;
      const fullJids = new Set(Object.values(client.sessions).flatMap((session) => (session.fullJid ? [session.fullJid] : [])));
      // A legacy client is its full JID: a session there the registry has not heard of yet is still it.
      if (client.legacy && client.lastFullJid) fullJids.add(client.lastFullJid);
      return [
        {
          type: 'gatehouse.client.revoked.v1',
          time: now.toISOString(),
          data: { jid, clientId, fullJids: [...fullJids], ...(grantId ? { grantId } : {}), reason: command.reason },
        },
      ];
    }
    default: {
      const unexpected: never = command;
      throw new Error(`unhandled client command ${JSON.stringify(unexpected)}`);
    }
  }
}
