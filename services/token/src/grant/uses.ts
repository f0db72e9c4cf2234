import type { ActiveGrant, AuthenticatedBy } from './grant.ts';

/** Grants whose last use a replica remembers by default: some tens of MB at most. */
export const DEFAULT_MAX_GRANT_USES = 100_000;

/**
 * The last use of each grant that this replica served (grant.record, fast.verify), in
 * memory only. Since catalog v2 a use is stored nowhere by the token service: the login is
 * session.established. What is kept here orders the least recently used grant first when
 * an account passes TOKEN_MAX_CLIENTS_PER_ACCOUNT, and shows in grant.list; after a restart,
 * for uses another replica served, or for a grant not used since it fell out of this
 * bounded memory (least recently used first), the grant's stored history (its creation,
 * or a grant.used written before v2) stands in.
 */
export class GrantUses {
  readonly #uses = new Map<string, { grantId: string; at: string; by: AuthenticatedBy }>();

  constructor(readonly maxEntries = DEFAULT_MAX_GRANT_USES) {}

  get size(): number {
    return this.#uses.size;
  }

  note(jid: string, clientId: string, grantId: string, by: AuthenticatedBy, at: Date): void {
    const key = `${jid}\u0000${clientId}`;
    // A Map iterates in insertion order: re-inserting makes this the most recent use.
    this.#uses.delete(key);
    this.#uses.set(key, { grantId, at: at.toISOString(), by });
    for (const oldest of this.#uses.keys()) {
      if (this.#uses.size <= this.maxEntries) break;
      this.#uses.delete(oldest);
    }
  }

  /** The grant's last use as far as this replica knows. */
  lastUse(jid: string, clientId: string, grant: ActiveGrant): { lastUsedAt: string; lastUsedBy: AuthenticatedBy } {
    const noted = this.#uses.get(`${jid}\u0000${clientId}`);
    if (noted && noted.grantId === grant.grantId && Date.parse(noted.at) > Date.parse(grant.lastUsedAt)) return { lastUsedAt: noted.at, lastUsedBy: noted.by };
    return { lastUsedAt: grant.lastUsedAt, lastUsedBy: grant.lastUsedBy };
  }
}
