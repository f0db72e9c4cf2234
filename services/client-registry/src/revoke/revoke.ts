import { clientAccess, activeClients, isActive } from '../client/access.ts';
import type { ClientKey, ClientState } from '../client/client.ts';
import { ClientNotFoundError } from '../client/decide.ts';
import { AccountNotFoundError, PasswordResetRequiredError } from '../errors.ts';
import type { ClientView } from '../store/client-view.ts';
import type { ClientHandler } from '../store/handler.ts';
import { parseSelector, softwareMatches, type Selector } from './selector.ts';

export interface RevokeDeps {
  view: Pick<ClientView, 'statesOf'>;
  execute: ClientHandler;
  /** The aggregate re-read from the stream (and put in the view): a revocation acts on the latest state. */
  refresh(key: ClientKey): Promise<ClientState>;
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
 * Cuts a client off (docs/client-management.md): its grant and FAST tokens first,
 * so the client cannot log straight back in with a token, then its sessions on every
 * gateway replica (the `revoked` event). Revoking by grant also closes the sessions that
 * used it, which Prosody does not. A client that logged in with the password is cut off
 * all the same and then reported as `password-reset-required`: only a new password stops it.
 */
export async function revokeClient(deps: RevokeDeps, { jid, id, reason }: RevokeRequest): Promise<void> {
  const selector = parseSelector(id);
  const key = selector && resolve(deps, jid, selector);
  if (!selector || !key) throw await notFound(deps, jid, id);
  const state = await deps.refresh(key);
  const now = deps.clock();
  if (state.status === 'unknown' || !isActive(state, now)) throw await notFound(deps, jid, key.clientId);
  if (selector.kind === 'grant' && state.grant?.grantId !== selector.grantId) throw new ClientNotFoundError(jid, key.clientId);
  const access = clientAccess(state, now);
  const grantId = state.grant?.grantId;
  if (grantId) await deps.revokeGrant(key, reason);
  try {
    await deps.execute({ type: 'RevokeClient', ...key, reason, ...(grantId ? { grantId } : {}) });
  } catch (error) {
    // The grant's revocation, read back meanwhile, left nothing to close: the client is cut off.
    if (!(grantId && error instanceof ClientNotFoundError)) throw error;
  }
  if (selector.kind !== 'grant' && access.password) throw new PasswordResetRequiredError(jid, key.clientId);
}

function resolve(deps: RevokeDeps, jid: string, selector: Selector): ClientKey | undefined {
  switch (selector.kind) {
    case 'client':
      return { jid, clientId: selector.clientId };
    case 'grant': {
      const found = deps.view.statesOf(jid).find(([, state]) => state.status !== 'unknown' && state.grant?.grantId === selector.grantId);
      return found && { jid, clientId: found[0] };
    }
    case 'software': {
      // §1.6: the first match in listing order, one client only.
      const found = activeClients(jid, deps.view.statesOf(jid), deps.clock()).find((entry) => softwareMatches(selector.software, entry.record.userAgent));
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
