import type { ClientCommand } from '../client/decide.ts';
import { withLogins } from '../client/with-logins.ts';
import type { IntakeDeps } from './intake-deps.ts';

/**
 * At most `maxClientsPerAccount` client records per account. Every login with a fresh
 * client id (or, for legacy clients, a fresh resource) makes one, so without a bound one
 * account could grow the registry and its listing without end. Past the bound the client
 * seen least recently that has neither a live session nor a grant is forgotten, as the
 * token service forgets the least recently used grant past TOKEN_MAX_CLIENTS_PER_ACCOUNT.
 * Sessions and last sight include what logins changed since the record (login-facts.ts).
 * Clients in use are never forgotten, so an account may stay over the bound while they last;
 * it is checked again as a session ends or a grant goes.
 *
 * The account's clients are read only when the subjects on the stream (one per client ever
 * known, forgotten ones too) outnumber the bound. Returns whether the account stays over it.
 */
export async function forgetBeyondLimit(
  deps: IntakeDeps,
  record: (command: ClientCommand) => Promise<unknown>,
  { jid, keep, at }: { jid: string; keep?: string; at: string },
): Promise<boolean> {
  if ((await deps.clientCount(jid)) <= deps.maxClientsPerAccount) return false;
  const known = [...(await deps.clientsOf(jid))].filter(([, state]) => state.status !== 'unknown');
  const excess = known.length - deps.maxClientsPerAccount;
  if (excess <= 0) return false;
  const logins = await deps.loginsOf(jid);
  const idle = known
    .flatMap(([clientId, record]) => {
      const state = withLogins(record, logins.get(clientId));
      const inUse = state.status === 'unknown' || state.grant !== undefined || Object.keys(state.sessions).length > 0;
      return clientId === keep || inUse ? [] : [{ clientId, lastSeen: Date.parse(state.lastSeen) }];
    })
    // Oldest sight first; the id breaks ties so every replica and every replay picks the same.
    .sort((a, b) => a.lastSeen - b.lastSeen || (a.clientId < b.clientId ? -1 : 1));
  for (const { clientId } of idle.slice(0, excess)) await record({ type: 'ForgetClient', jid, clientId, at, reason: 'client-limit' });
  return idle.length < excess;
}

/**
 * The bound is checked where it can have been passed, a client made known (`added`), and
 * for accounts this replica left over it (all their clients were in use) also where it can
 * come back within it: a session's end or a grant's revocation. Every end checking would
 * cost a stream query per logout (the count of the account's client subjects). Another
 * replica does not know what this one left over the bound, so such an account may stay
 * over it until its next new client: it never grows past the bound by more than the
 * clients in use.
 */
export async function keepWithinLimit(
  deps: IntakeDeps,
  record: (command: ClientCommand) => Promise<unknown>,
  { added, ...check }: { jid: string; keep?: string; at: string; added: boolean },
): Promise<void> {
  if (!added && !deps.overLimit.has(check.jid)) return;
  deps.overLimit.mark(check.jid, await forgetBeyondLimit(deps, record, check));
}

/** The accounts this replica left over the bound, at most `max` (the oldest are forgotten first). */
export class OverLimitAccounts {
  readonly #accounts = new Set<string>();

  constructor(private readonly max = 10_000) {}

  has(jid: string): boolean {
    return this.#accounts.has(jid);
  }

  mark(jid: string, over: boolean): void {
    this.#accounts.delete(jid);
    if (!over) return;
    this.#accounts.add(jid);
    if (this.#accounts.size > this.max) this.#accounts.delete(this.#accounts.values().next().value as string);
  }
}

/** Whether a command's outcome made its client known. */
export function madeKnown(outcome: { before: { status: string }; state: { status: string } }): boolean {
  return outcome.before.status === 'unknown' && outcome.state.status !== 'unknown';
}
