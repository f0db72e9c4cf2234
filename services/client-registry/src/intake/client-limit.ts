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
 * Checked at every login, so the account's clients are read only when the subjects on the
 * stream (one per client ever known, forgotten ones too) outnumber the bound.
 */
export async function forgetBeyondLimit(
  deps: IntakeDeps,
  record: (command: ClientCommand) => Promise<unknown>,
  { jid, keep, at }: { jid: string; keep?: string; at: string },
): Promise<void> {
  if ((await deps.clientCount(jid)) <= deps.maxClientsPerAccount) return;
  const known = [...(await deps.clientsOf(jid))].filter(([, state]) => state.status !== 'unknown');
  const excess = known.length - deps.maxClientsPerAccount;
  if (excess <= 0) return;
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
}
