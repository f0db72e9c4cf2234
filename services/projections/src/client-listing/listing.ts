import type { ClientListing } from '@gatehouse/events';
import type { ClientFastTokenRow, ClientRow, ClientSessionRow } from './client-listing.table.ts';

/**
 * One client with access to the account, as `clients.list` reports it
 * (docs/client-management.md): the catalog's reply item, so what this builds is what the
 * endpoint's reply schema checks and its callers read.
 */
export type { ClientListing };

/** How a client has access, in the order the XMPP `<auth>` lists them. */
export type AuthMethod = ClientListing['auth'][number];

const notBefore = (time: Date, changedAt: Date | null) => changedAt === null || time.getTime() >= changedAt.getTime();

/**
 * The rules of docs/client-management.md: a password login counts only since the
 * last password change; a grant while it is live; FAST while the client holds a valid
 * token (used yet or not); connected while a session is bound. A client with none of
 * them is not listed. Sorted as mod_client_management lists them: oldest last use first,
 * then first seen, then id.
 */
export function toListing(clients: ClientRow[], sessions: ClientSessionRow[], tokens: ClientFastTokenRow[], now: Date): ClientListing[] {
  const sessionsOf = byClient(sessions);
  const tokensOf = byClient(tokens);
  const listed: { entry: ClientListing; lastSeen: number; firstSeen: number }[] = [];
  for (const row of clients) {
    const changedAt = row.password_changed_at;
    const password = row.password_used_at !== null && notBefore(row.password_used_at, changedAt);
    const grant = row.grant_id !== null && row.grant_created_at !== null && notBefore(row.grant_created_at, changedAt);
    const fast = (tokensOf.get(row.client_id) ?? []).some((token) => token.expires_at.getTime() > now.getTime() && notBefore(token.issued_at, changedAt));
    const connected = (sessionsOf.get(row.client_id) ?? []).some((session) => session.full_jid !== null);
    if (!password && !grant && !fast && !connected) continue;
    const access = !row.session_seen && row.grant_id !== null;
    const userAgent = Object.fromEntries(
      (['software', 'device', 'uri'] as const).flatMap((field) => (row[field] === null ? [] : [[field, row[field]]])),
    ) as ClientListing['userAgent'];
    const entry: ClientListing = {
      id: access ? `grant/${row.grant_id}` : `client/${row.client_id}`,
      clientId: row.client_id,
      type: access ? 'access' : 'session',
      connected,
      firstSeen: row.first_seen.toISOString(),
      lastSeen: row.last_seen.toISOString(),
      auth: [...(password ? ['password' as const] : []), ...(grant ? ['grant' as const] : []), ...(fast ? ['fast' as const] : [])],
      userAgent,
      legacy: row.legacy,
      revoked: row.revoked_at !== null,
    };
    listed.push({ entry, lastSeen: row.last_seen.getTime(), firstSeen: row.first_seen.getTime() });
  }
  return listed
    .sort((a, b) => a.lastSeen - b.lastSeen || a.firstSeen - b.firstSeen || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0))
    .map(({ entry }) => entry);
}

/** One pass over a table's rows instead of a filter per client: an account may have thousands. */
function byClient<Row extends { client_id: string }>(rows: Row[]): Map<string, Row[]> {
  const grouped = new Map<string, Row[]>();
  for (const row of rows) {
    const group = grouped.get(row.client_id);
    if (group) group.push(row);
    else grouped.set(row.client_id, [row]);
  }
  return grouped;
}
