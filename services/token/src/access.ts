import type { Stored } from '@gatehouse/event-store';
import { namesFor, type GrantEvent, type UserAgent } from '@gatehouse/events';
import { AccountNotFoundError } from './account/decide.ts';
import { clientStates } from './account-clients.ts';
import { fastTokenAggregate, grantAggregate } from './aggregates.ts';
import type { ClientKey } from './client-key.ts';
import type { FastTokenFacts } from './fast/decide.ts';
import type { FastTokenState } from './fast/fast-token.ts';
import { GrantNotFoundError } from './grant/decide.ts';
import { liveGrant, type AuthenticatedBy, type GrantState } from './grant/grant.ts';
import { GrantUses } from './grant/uses.ts';
import { randomId } from './random-id.ts';
import type { TokenStores } from './stores.ts';

/** Everything the account, grant and FAST endpoints work with: stores, key, policy. */
export interface Access extends TokenStores {
  /** The XMPP domain served. */
  domain: string;
  /** The grant of each client of the account, read from the stream now (one wildcard read). */
  grantsOf(jid: string): Promise<Map<string, GrantState>>;
  /** Likewise the FAST token slots of each client of the account. */
  tokensOf(jid: string): Promise<Map<string, FastTokenState>>;
  /** Uses of grants this replica served, in memory (catalog v2: none is stored). */
  uses: GrantUses;
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

export interface AccessOptions {
  /** GATEHOUSE_NAMESPACE: names the subjects read. */
  ns: string;
  domain: string;
  tokenKey: Uint8Array;
  clock: () => Date;
  lifetimeMs: number;
  rotateAfterMs: number;
  maxClientsPerAccount: number;
  /** Grant uses remembered (an LRU); default GrantUses' own. */
  maxGrantUses?: number;
}

export function createAccess(stores: TokenStores, { ns, maxGrantUses, ...options }: AccessOptions): Access {
  const { subjects } = namesFor(ns);
  const grant = grantAggregate(ns);
  const fastToken = fastTokenAggregate(ns);
  return {
    ...stores,
    ...options,
    grantsOf: async (jid) => clientStates(await stores.readTokens(subjects.grantsOf(jid)), grant),
    tokensOf: async (jid) => clientStates(await stores.readTokens(subjects.fastTokensOf(jid)), fastToken),
    uses: new GrantUses(maxGrantUses),
  };
}

/** The account's last password change (creation counts), or undefined when it is not active. */
export async function passwordChangedAt(access: Access, jid: string): Promise<string | undefined> {
  const { state } = await access.accounts.read(jid);
  return state.status === 'active' ? state.passwordChangedAt : undefined;
}

export async function requireAccount(access: Access, jid: string): Promise<string> {
  const changedAt = await passwordChangedAt(access, jid);
  if (changedAt === undefined) throw new AccountNotFoundError(jid);
  return changedAt;
}

/** The client's live grant, undefined when it has none or the account is not active (`changedAt`: its password change, if already read). */
export async function liveGrantOf(access: Access, key: ClientKey, changedAt?: string) {
  const since = changedAt ?? (await passwordChangedAt(access, key.jid));
  return since === undefined ? undefined : liveGrant((await access.grants.read(key)).state, since);
}

/** When the client's live grant was last used, as far as this replica knows; undefined when it has none. */
export async function grantLastUsedAt(access: Access, key: ClientKey): Promise<string | undefined> {
  const grant = await liveGrantOf(access, key);
  return grant && access.uses.lastUse(key.jid, key.clientId, grant).lastUsedAt;
}

/** What a client's tokens depend on outside their aggregate. */
export async function tokenFacts(access: Access, key: ClientKey): Promise<FastTokenFacts> {
  const changedAt = await passwordChangedAt(access, key.jid);
  const grantId = (await liveGrantOf(access, key, changedAt))?.grantId;
  return { ...(changedAt === undefined ? {} : { passwordChangedAt: changedAt }), ...(grantId === undefined ? {} : { grantId }) };
}

/** Creates the client's grant, or notes its use in memory; the account must be active. */
export async function recordGrant(
  access: Access,
  key: ClientKey,
  authenticatedBy: AuthenticatedBy,
  userAgent?: UserAgent,
): Promise<{ grantId: string; created: boolean }> {
  const changedAt = await requireAccount(access, key.jid);
  if (!(await liveGrantOf(access, key, changedAt))) await makeRoomForClient(access, key, changedAt);
  const { events, state } = await access.grants.execute(key, {
    type: 'RecordGrant',
    ...key,
    grantId: randomId(),
    authenticatedBy,
    ...(userAgent === undefined ? {} : { userAgent }),
    passwordChangedAt: changedAt,
  });
  if (state.status !== 'active') throw new Error(`grant of ${key.jid} is ${state.status} right after it was recorded`);
  access.uses.note(key.jid, key.clientId, state.grantId, authenticatedBy, access.clock());
  return { grantId: state.grantId, created: events.some(({ event }: Stored<GrantEvent>) => event.type === 'gatehouse.grant.created.v1') };
}

/**
 * Every login with a fresh XEP-0388 client id makes a client, so one account could make
 * them without end. Past the limit the clients used least recently are forgotten (grant
 * revoked with reason `client-limit`, FAST tokens void) rather than the login refused:
 * the login has already succeeded with the password, and a client still in use simply
 * logs in with its password again. Prosody's mod_tokenauth keeps grants unbounded.
 * The account's grants are read from the stream, not from a per-replica index of them.
 */
async function makeRoomForClient(access: Access, key: ClientKey, changedAt: string): Promise<void> {
  const live = [...(await access.grantsOf(key.jid))]
    .filter(([clientId]) => clientId !== key.clientId)
    .flatMap(([clientId, state]) => {
      const grant = liveGrant(state, changedAt);
      return grant ? [{ clientId, lastUsedAt: access.uses.lastUse(key.jid, clientId, grant).lastUsedAt }] : [];
    })
    .sort((a, b) => a.lastUsedAt.localeCompare(b.lastUsedAt) || a.clientId.localeCompare(b.clientId));
  for (const { clientId } of live.slice(0, Math.max(0, live.length - access.maxClientsPerAccount + 1))) {
    await revokeClient(access, { jid: key.jid, clientId }, 'client-limit');
  }
}

/** Revokes a client's grant and invalidates its tokens. */
export async function revokeClient(access: Access, key: ClientKey, reason: string): Promise<void> {
  await access.grants.execute(key, { type: 'RevokeGrant', ...key, reason });
  await access.tokens.execute(key, { type: 'InvalidateFastTokens', ...key, reason: 'grant-revoked' });
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
  const [grants, tokens] = await Promise.all([access.grantsOf(jid), access.tokensOf(jid)]);
  for (const clientId of new Set([...grants.keys(), ...tokens.keys()])) {
    const key = { jid, clientId };
    await access.grants.execute(key, { type: 'RevokeGrant', ...key, reason, createdNotAfter: at }).catch((error: unknown) => {
      // Tokens without a grant cannot be issued, but history may hold them: carry on to the tokens.
      if (!(error instanceof GrantNotFoundError)) throw error;
    });
    await access.tokens.execute(key, { type: 'InvalidateFastTokens', ...key, reason, issuedNotAfter: at });
  }
}

