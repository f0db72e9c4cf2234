import type { ClientKey, ClientRecord, ClientState } from './client.ts';

/**
 * What gives a client access to the account right now (docs/client-management.md): a password login since the last password change, a live grant, a valid FAST
 * token it holds (used yet or not: a token held is access), a bound session.
 */
export interface ClientAccess {
  password: boolean;
  grant: boolean;
  fast: boolean;
  connected: boolean;
}

const notBefore = (time: string, changedAt: string | undefined) => changedAt === undefined || Date.parse(time) >= Date.parse(changedAt);

export function clientAccess(record: ClientRecord, now: Date): ClientAccess {
  const { passwordChangedAt } = record;
  return {
    password: record.passwordUsedAt !== undefined && notBefore(record.passwordUsedAt, passwordChangedAt),
    grant: record.grant !== undefined && notBefore(record.grant.createdAt, passwordChangedAt),
    fast: Object.values(record.fastTokens).some(
      (token) => Date.parse(token.expiresAt) > now.getTime() && notBefore(token.issuedAt, passwordChangedAt),
    ),
    connected: Object.values(record.sessions).some((session) => session.fullJid !== undefined),
  };
}

/** Listed at all: a client with no access left is not shown and cannot be revoked (docs/client-management.md, "For users"). */
export function isActive(state: ClientState, now: Date): boolean {
  if (state.status === 'unknown') return false;
  return Object.values(clientAccess(state, now)).some(Boolean);
}

/** A client of the account that is listed, with its listing id (`client/…` or `grant/…`). */
export interface ActiveClient extends ClientKey {
  /** `client/<id>` for a client seen on a session, `grant/<grant id>` for one only granted access. */
  id: string;
  record: ClientRecord;
  access: ClientAccess;
}

export function listingId(clientId: string, record: ClientRecord): string {
  return !record.sessionSeen && record.grant ? `grant/${record.grant.grantId}` : `client/${clientId}`;
}

/**
 * The listed clients in mod_client_management's order: oldest last use first, then first seen, then id
 * (every entry here has both times, so the "no last_seen first" rule never applies).
 */
export function activeClients(jid: string, clients: Iterable<[clientId: string, state: ClientState]>, now: Date): ActiveClient[] {
  const listed: ActiveClient[] = [];
  for (const [clientId, state] of clients) {
    if (state.status === 'unknown' || !isActive(state, now)) continue;
    listed.push({ jid, clientId, id: listingId(clientId, state), record: state, access: clientAccess(state, now) });
  }
  return listed.sort(
    (a, b) =>
      Date.parse(a.record.lastSeen) - Date.parse(b.record.lastSeen) ||
      Date.parse(a.record.firstSeen) - Date.parse(b.record.firstSeen) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
