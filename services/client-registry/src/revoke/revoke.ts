import type { ControlAccessCutData } from '@gatehouse/events';
import { clientAccess, activeClients, isActive } from '../client/access.ts';
import type { ClientKey, ClientState, Revocation } from '../client/client.ts';
import { ClientNotFoundError } from '../client/decide.ts';
import { AccountNotFoundError, PasswordResetRequiredError } from '../errors.ts';
import type { ClientView } from '../store/client-view.ts';
import type { ClientHandler } from '../store/handler.ts';
import { parseSelector, softwareMatches, type Selector } from './selector.ts';

export interface RevokeDeps {
  view: Pick<ClientView, 'statesOf'>;
  execute: ClientHandler;
  /** The aggregate re-read from the stream (and put in the view), with its logins: a revocation acts on the latest state. */
  refresh(key: ClientKey): Promise<ClientState>;
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
  const key = selector && resolve(deps, jid, selector);
  if (!selector || !key) throw await notFound(deps, jid, id);
  const state = await deps.refresh(key);
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
  const { facts } = await deps.execute({ type: 'RevokeClient', ...key, reason, ...(grantId ? { grantId } : {}) });
  const revoked = facts.find((fact) => fact.type === 'gatehouse.client.revoked.v1');
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

function resolve(deps: RevokeDeps, jid: string, selector: Selector): ClientKey | undefined {
  switch (selector.kind) {
    case 'client':
      return { jid, clientId: selector.clientId };
    case 'grant': {
      const found = deps.view.statesOf(jid).find(([, state]) => state.status !== 'unknown' && state.grant?.grantId === selector.grantId);
      return found && { jid, clientId: found[0] };
    }
    case 'software': {
      // As mod_client_management does: the first match in listing order, one client only.
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
