/**
 * At most `maxClientsPerAccount` client records per account. Every login with a fresh
 * client id (or, for legacy clients, a fresh resource) makes one, so without a bound one
 * account could grow the registry and its listing without end. Past the bound the client
 * seen least recently that has neither a live session nor a grant is forgotten, as the
 * token service forgets the least recently used grant past TOKEN_MAX_CLIENTS_PER_ACCOUNT.
 * Sessions and last sight include what logins changed since the record (login-view.ts).
 * Clients in use are never forgotten, so an account may stay over the bound while they last;
 * it is checked again as a session ends or a grant goes.
 */
import type { ClientCommand } from '../client/decide.ts';
import type { IntakeDeps } from './intake-deps.ts';

export async function forgetBeyondLimit(
  deps: IntakeDeps,
  record: (command: ClientCommand) => Promise<unknown>,
  { jid, keep, at }: { jid: string; keep?: string; at: string },
): Promise<void> {
  const known = deps.view.clientsOf(jid).flatMap((clientId) => {
    const state = deps.view.state({ jid, clientId });
    return state.status === 'unknown' ? [] : [{ clientId, state }];
  });
  const excess = known.length - deps.maxClientsPerAccount;
  if (excess <= 0) return;
  const idle = known
    .filter(({ clientId, state }) => clientId !== keep && state.grant === undefined && Object.keys(state.sessions).length === 0)
    // Oldest sight first; the id breaks ties so every replica and every replay picks the same.
    .sort((a, b) => Date.parse(a.state.lastSeen) - Date.parse(b.state.lastSeen) || (a.clientId < b.clientId ? -1 : 1));
  for (const { clientId } of idle.slice(0, excess)) await record({ type: 'ForgetClient', jid, clientId, at, reason: 'client-limit' });
}
