import type { ControlAccessCutData } from '@gatehouse/events';
import { clientAccess, activeClients, isActive } from '../client/access.ts';
import type { ClientKey, ClientState, Revocation } from '../client/client.ts';
import { ClientNotFoundError } from '../client/decide.ts';
import { withLogins } from '../client/with-logins.ts';
import { AccountNotFoundError, PasswordResetRequiredError } from '../errors.ts';
import type { AccountLogins } from '../logins/login-facts.ts';
import type { AccountClients, ClientStore } from '../store/clients.ts';
import { parseSelector, softwareMatches, type Selector } from './selector.ts';

export interface RevokeDeps {
  /** A revocation acts on the latest state: the aggregate is loaded (`load`, not the cache alone) before deciding. */
  clients: Pick<ClientStore, 'execute' | 'load'>;
  /** Every client of the account, read when a grant or software names the client. */
  clientsOf: AccountClients;
  /** What the account's clients' logins changed: the live sessions a revocation names, the password use it reports. */
  loginsOf(jid: string): Promise<AccountLogins>;
  /** Publishes `control.access-cut` (Nats-Msg-Id from its cause): every gateway replica closes the client's sessions. */
  publishAccessCut(notice: ControlAccessCutData): Promise<void>;
  /** token service `grant.revoke`: the grant and every FAST token of the client; none left is fine. */
  revokeGrant(key: ClientKey, reason: string): Promise<void>;
  /** token service `account.exists`, to tell an unknown account from an unknown client. */
  accountExists(jid: string): Promise<boolean>;
  clock: () => Date;
}

export interface RevokeRequest {
  /** Normalised bare JID of the account: the authenticated user, or the admin API's target. */
  jid: string;
  /** `client/…`, `grant/…` or `software/…` (selector.ts). */
  id: string;
  /** kebab-case, e.g. `revoked-by-user`. */
  reason: string;
}

/**
 * Cuts a client off (docs/client-management.md), in this order: the decision is stored
 * (`client.revoked`, naming the full JIDs its sessions are bound to), its grant and FAST
 * tokens are revoked, so the client cannot log straight back in with a token, and only
 * then its sessions close on every gateway replica (`control.access-cut`). Revoking by
 * grant also closes the sessions that used it, which Prosody does not. A client that
 * logged in with the password is cut off all the same and then reported as
 * `password-reset-required`: only a new password stops it.
 *
 * A crash between the steps heals by asking again: an already revoked client gets its
 * grant revoked and its notice published again (the same Nats-Msg-Id, so a repeat within
 * the duplicate window is stored once, and closing closed sessions is harmless), and is
 * then answered as before: not found, or password-reset-required while the password it
 * logged in with is unchanged.
 */
export async function revokeClient(deps: RevokeDeps, { jid, id, reason }: RevokeRequest): Promise<void> {
  const selector = parseSelector(id);
  if (!selector) throw await notFound(deps, jid, id);
  const accountLogins = await deps.loginsOf(jid);
  const key = await resolve(deps, jid, selector, accountLogins);
  if (!key) throw await notFound(deps, jid, id);
  const logins = accountLogins.get(key.clientId) ?? { sessions: {} };
  const state = withLogins((await deps.clients.load(key)).state, logins);
  const now = deps.clock();
  if (state.status === 'revoked' && state.revocation) {
    await cut(deps, key, reason, state.revocation);
    // Revoked already: what access is left is the password's, which no revocation ends.
    if (selector.kind !== 'grant' && clientAccess(state, now).password) throw new PasswordResetRequiredError(jid, key.clientId);
    throw await notFound(deps, jid, key.clientId);
  }
  if (state.status === 'unknown' || !isActive(state, now)) throw await notFound(deps, jid, key.clientId);
  if (selector.kind === 'grant' && state.grant?.grantId !== selector.grantId) throw new ClientNotFoundError(jid, key.clientId);
  const access = clientAccess(state, now);
  const grantId = state.grant?.grantId;
  const { events } = await deps.clients.execute(key, { type: 'RevokeClient', ...key, reason, logins, ...(grantId ? { grantId } : {}) });
  const revoked = events.map(({ event }) => event).find((event) => event.type === 'gatehouse.client.revoked.v1');
  if (revoked?.type !== 'gatehouse.client.revoked.v1') throw new Error('a revocation stored no client.revoked');
  await cut(deps, key, reason, { id: revoked.id, fullJids: revoked.data.fullJids });
  if (selector.kind !== 'grant' && access.password) throw new PasswordResetRequiredError(jid, key.clientId);
}

async function cut(deps: RevokeDeps, key: ClientKey, reason: string, revocation: Revocation): Promise<void> {
  await deps.revokeGrant(key, reason);
  await deps.publishAccessCut({
    jid: key.jid,
    reason: 'client-revoked',
    clientId: key.clientId,
    fullJids: [...revocation.fullJids],
    cause: { type: 'gatehouse.client.revoked.v1', id: revocation.id },
  });
}

async function resolve(deps: RevokeDeps, jid: string, selector: Selector, logins: AccountLogins): Promise<ClientKey | undefined> {
  switch (selector.kind) {
    case 'client':
      return { jid, clientId: selector.clientId };
    case 'grant': {
      const found = [...(await deps.clientsOf(jid))].find(([, state]) => state.status !== 'unknown' && state.grant?.grantId === selector.grantId);
      return found && { jid, clientId: found[0] };
    }
    case 'software': {
      const states = [...(await deps.clientsOf(jid))].map(([clientId, state]) => [clientId, withLogins(state, logins.get(clientId))] satisfies [string, ClientState]);
      // As mod_client_management does: the first match in listing order, one client only.
      const found = activeClients(jid, states, deps.clock()).find((entry) => softwareMatches(selector.software, entry.record.userAgent));
      return found && { jid, clientId: found.clientId };
    }
    default: {
      const unexpected: never = selector;
      throw new Error(`unhandled selector ${JSON.stringify(unexpected)}`);
    }
  }
}

async function notFound(deps: RevokeDeps, jid: string, clientId: string): Promise<Error> {
  const exists = await deps.accountExists(jid).catch(() => true);
  return exists ? new ClientNotFoundError(jid, clientId) : new AccountNotFoundError(jid);
}
