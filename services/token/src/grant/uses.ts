import type { ActiveGrant, AuthenticatedBy } from './grant.ts';

/**
 * The last use of each grant that this replica served (grant.record, fast.verify), in
 * memory only. Since catalog v2 a use is stored nowhere by the token service: the login is
 * session.established. What is kept here orders the least recently used grant first when
 * an account passes TOKEN_MAX_CLIENTS_PER_ACCOUNT, and shows in grant.list; after a restart,
 * or for uses another replica served, the grant's stored history (its creation, or a
 * grant.used written before v2) stands in.
 */
export class GrantUses {
  readonly #uses = new Map<string, { grantId: string; at: string; by: AuthenticatedBy }>();

  note(jid: string, clientId: string, grantId: string, by: AuthenticatedBy, at: Date): void {
    this.#uses.set(`${jid}\u0000${clientId}`, { grantId, at: at.toISOString(), by });
  }

  /** The grant's last use as far as this replica knows. */
  lastUse(jid: string, clientId: string, grant: ActiveGrant): { lastUsedAt: string; lastUsedBy: AuthenticatedBy } {
    const noted = this.#uses.get(`${jid}\u0000${clientId}`);
    if (noted && noted.grantId === grant.grantId && Date.parse(noted.at) > Date.parse(grant.lastUsedAt)) return { lastUsedAt: noted.at, lastUsedBy: noted.by };
    return { lastUsedAt: grant.lastUsedAt, lastUsedBy: grant.lastUsedBy };
  }
}
