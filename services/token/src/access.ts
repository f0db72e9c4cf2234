import type { UserAgent } from '@gatehouse/events';
import type { AccountsView } from './account/accounts-view.ts';
import { AccountNotFoundError } from './account/decide.ts';
import type { ClientHandler } from './aggregate/client-handler.ts';
import type { ClientKey, ClientView } from './aggregate/client-view.ts';
import type { FastTokenCommand, FastTokenFacts } from './fast/decide.ts';
import type { FastTokenFact, FastTokenState } from './fast/fast-token.ts';
import { GrantNotFoundError, type GrantCommand } from './grant/decide.ts';
import { liveGrant, type AuthenticatedBy, type GrantFact, type GrantState } from './grant/grant.ts';
import type { GrantUses } from './grant/uses.ts';
import { randomId } from './random-id.ts';

/** Everything the grant and FAST endpoints work with: views, handlers, key, policy. */
export interface Access {
  /** The XMPP domain served. */
  domain: string;
  accounts: AccountsView;
  grants: ClientView<GrantState, GrantFact>;
  tokens: ClientView<FastTokenState, FastTokenFact>;
  /** Uses of grants this replica served, in memory (catalog v2: none is stored). */
  uses: GrantUses;
  executeGrant: ClientHandler<GrantCommand, GrantFact, GrantState>;
  /** Re-reads one grant from its stream: this replica's view may not have seen it made elsewhere. */
  refreshGrant: (key: ClientKey) => Promise<void>;
  executeToken: ClientHandler<FastTokenCommand, FastTokenFact, FastTokenState>;
  /** The key FAST tokens are derived with (token-crypto.ts). */
  tokenKey: Uint8Array;
  clock: () => Date;
  /** FAST_TOKEN_LIFETIME_S in ms. */
  lifetimeMs: number;
  /** FAST_TOKEN_ROTATE_AFTER_S in ms. */
  rotateAfterMs: number;
  /** TOKEN_MAX_CLIENTS_PER_ACCOUNT: live grants one account keeps at most. */
  maxClientsPerAccount: number;
}

/** The account's last password change (creation counts), or undefined when it is not active. */
export function passwordChangedAt(access: Access, jid: string): string | undefined {
  const { state } = access.accounts.get(jid);
  return state.status === 'active' ? state.passwordChangedAt : undefined;
}

export function requireAccount(access: Access, jid: string): string {
  const changedAt = passwordChangedAt(access, jid);
  if (changedAt === undefined) throw new AccountNotFoundError(jid);
  return changedAt;
}

/** When the client's live grant was last used, as far as this replica knows; undefined when it has none. */
export function grantLastUsedAt(access: Access, key: ClientKey): string | undefined {
  const grant = liveGrant(access.grants.get(key).state, passwordChangedAt(access, key.jid));
  return grant && access.uses.lastUse(key.jid, key.clientId, grant).lastUsedAt;
}

/** What a client's tokens depend on outside their aggregate. */
export function tokenFacts(access: Access, key: ClientKey): FastTokenFacts {
  const changedAt = passwordChangedAt(access, key.jid);
  const grantId = liveGrant(access.grants.get(key).state, changedAt)?.grantId;
  return { ...(changedAt === undefined ? {} : { passwordChangedAt: changedAt }), ...(grantId === undefined ? {} : { grantId }) };
}

/** Creates the client's grant, or notes its use in memory; the account must be active. */
export async function recordGrant(
  access: Access,
  key: ClientKey,
  authenticatedBy: AuthenticatedBy,
  userAgent?: UserAgent,
): Promise<{ grantId: string; created: boolean }> {
  const changedAt = requireAccount(access, key.jid);
  if (!liveGrant(access.grants.get(key).state, changedAt)) await makeRoomForClient(access, key, changedAt);
  const { facts, state } = await access.executeGrant({
    type: 'RecordGrant',
    ...key,
    grantId: randomId(),
    authenticatedBy,
    ...(userAgent === undefined ? {} : { userAgent }),
    passwordChangedAt: changedAt,
  });
  if (state.status !== 'active') throw new Error(`grant of ${key.jid} is ${state.status} right after it was recorded`);
  access.uses.note(key.jid, key.clientId, state.grantId, authenticatedBy, access.clock());
  return { grantId: state.grantId, created: facts.some((fact) => fact.type === 'gatehouse.grant.created.v1') };
}

/**
 * Every login with a fresh XEP-0388 client id makes a client, so one account could make
 * them without end. Past the limit the clients used least recently are forgotten (grant
 * revoked with reason `client-limit`, FAST tokens void) rather than the login refused:
 * the login has already succeeded with the password, and a client still in use simply
 * logs in with its password again. Prosody's mod_tokenauth keeps grants unbounded.
 */
async function makeRoomForClient(access: Access, key: ClientKey, changedAt: string): Promise<void> {
  const live = access.grants
    .clientsOf(key.jid)
    .filter((clientId) => clientId !== key.clientId)
    .flatMap((clientId) => {
      const grant = liveGrant(access.grants.get({ jid: key.jid, clientId }).state, changedAt);
      return grant ? [{ clientId, lastUsedAt: access.uses.lastUse(key.jid, clientId, grant).lastUsedAt }] : [];
    })
    .sort((a, b) => a.lastUsedAt.localeCompare(b.lastUsedAt) || a.clientId.localeCompare(b.clientId));
  for (const { clientId } of live.slice(0, Math.max(0, live.length - access.maxClientsPerAccount + 1))) {
    await revokeClient(access, { jid: key.jid, clientId }, 'client-limit');
  }
}

/** Revokes a client's grant and invalidates its tokens. */
export async function revokeClient(access: Access, key: ClientKey, reason: string): Promise<void> {
  await access.executeGrant({ type: 'RevokeGrant', ...key, reason });
  await access.executeToken({ type: 'InvalidateFastTokens', ...key, reason: 'grant-revoked' });
}

/**
 * Ends every grant and token of the account that predates `at`. Done right after the
 * password change or deletion is stored; should this be cut short, tokenFacts() and
 * liveGrant() already treat everything older than the change as void.
 */
export async function revokeAccountAccess(
  access: Access,
  jid: string,
  reason: 'password-changed' | 'account-deleted',
  at: string,
): Promise<void> {
  const clients = new Set([...access.grants.clientsOf(jid), ...access.tokens.clientsOf(jid)]);
  for (const clientId of clients) {
    await access.executeGrant({ type: 'RevokeGrant', jid, clientId, reason, createdNotAfter: at }).catch((error: unknown) => {
      // Tokens without a grant cannot be issued, but history may hold them: carry on to the tokens.
      if (!(error instanceof GrantNotFoundError)) throw error;
    });
    await access.executeToken({ type: 'InvalidateFastTokens', jid, clientId, reason, issuedNotAfter: at });
  }
}
