/**
 * Catalog v2 stores no grant use per login: the login is session.established. The token
 * service still keeps each grant's last use in memory (grant.list shows it, and the client
 * used least recently is the one forgotten past TOKEN_MAX_CLIENTS_PER_ACCOUNT), so a login
 * tells it, but only when that memory would otherwise be wrong by more than an hour: a
 * known client logging in again and again costs no request. A FAST login needs no telling
 * at all: fast.verify found the grant live and noted the use.
 */
export const GRANT_USE_RESOLUTION_MS = 3_600_000;

export interface SucceededLogin {
  /** The SASL2 user-agent id; a login without one has no grant. */
  clientId?: string | undefined;
  fast: boolean;
  /** When the credential lookup said the client's live grant was last used; absent: no live grant. */
  grantUsedAt?: string | undefined;
}

/** Whether the login must be sent to token.grant.record. */
export function grantNeedsRecording({ clientId, fast, grantUsedAt }: SucceededLogin, now: number): boolean {
  if (clientId === undefined || fast) return false;
  if (grantUsedAt === undefined) return true;
  return !(now - Date.parse(grantUsedAt) < GRANT_USE_RESOLUTION_MS);
}
