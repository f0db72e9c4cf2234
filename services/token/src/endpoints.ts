import { catalogEndpoints } from '@gatehouse/bus';
import type { EventStore, Stored } from '@gatehouse/event-store';
import type { AccountEvent } from '@gatehouse/events';
import { accountJid } from '@gatehouse/xmpp';
import type { AccountState } from './account/account.ts';
import type { AccountCommand } from './account/decide.ts';
import { deriveCredentials } from './credentials.ts';
import { fakeCredential } from './fake-credential.ts';

export interface EndpointDeps {
  /** The XMPP domain served: accounts of any other are refused with `host-unknown`. */
  domain: string;
  /** PBKDF2 iterations for new credentials and for fake ones. */
  iterations: number;
  /** The accounts, loaded on demand (stores.ts). */
  accounts: EventStore<string, AccountCommand, AccountState, AccountEvent>;
  /** Key of the fake credentials (shared-secret.ts). */
  fakeSecret: Uint8Array;
  /**
   * Ends every grant and FAST token of the account that predates `cause` (the password
   * change or deletion just stored): a new password cuts off every client that had the old.
   * Then, and only then, its sessions (control.access-cut, naming the cause).
   */
  revokeAccess: (jid: string, reason: 'password-changed' | 'account-deleted', cause: AccessCause) => Promise<void>;
  /** When the client's live grant was last used (access.ts grantLastUsedAt); undefined when it has none. */
  grantUsedAt: (jid: string, clientId: string) => Promise<string | undefined>;
}

/** The account event that decides an access cut: its type, id and time. */
export interface AccessCause {
  type: 'gatehouse.account.password-changed.v1' | 'gatehouse.account.deleted.v1';
  id: string;
  at: string;
}

/** The stored event of `type` among those a command stored, as the cause of an access cut. */
function causeOf(events: Stored<AccountEvent>[], type: AccessCause['type']): AccessCause | undefined {
  const stored = events.find(({ event }) => event.type === type)?.event;
  return stored && { type, id: stored.id, at: stored.time };
}

/**
 * The token service's account endpoints (docs/architecture.md), pure of NATS. Listing
 * every account is the account listing's (`projections.accounts.list`): no replica holds
 * every account.
 */
export function accountEndpoints({ domain, iterations, accounts, fakeSecret, revokeAccess, grantUsedAt }: EndpointDeps) {
  return catalogEndpoints('token', {
    'account.create': async (request) => {
      const account = accountJid(request.jid, domain);
      await accounts.execute(account, { type: 'CreateAccount', jid: account, credentials: deriveCredentials(request.password, iterations) });
      return { jid: account };
    },
    'account.password': async (request) => {
      const account = accountJid(request.jid, domain);
      const { events } = await accounts.execute(account, { type: 'ChangePassword', jid: account, credentials: deriveCredentials(request.password, iterations) });
      const cause = causeOf(events, 'gatehouse.account.password-changed.v1');
      if (cause) await revokeAccess(account, 'password-changed', cause);
      return { jid: account };
    },
    'account.delete': async (request) => {
      const account = accountJid(request.jid, domain);
      const { events } = await accounts.execute(account, { type: 'DeleteAccount', jid: account });
      const cause = causeOf(events, 'gatehouse.account.deleted.v1');
      if (cause) await revokeAccess(account, 'account-deleted', cause);
      return { jid: account };
    },
    'account.exists': async (request) => {
      const account = accountJid(request.jid, domain);
      return { exists: (await accounts.read(account)).state.status === 'active' };
    },
    'auth.credentials': async (request) => {
      const account = accountJid(request.jid, domain);
      const { state } = await accounts.read(account);
      if (state.status !== 'active') return { exists: false, credential: fakeCredential(fakeSecret, request.mechanism, account, iterations) };
      const usedAt = request.clientId === undefined ? undefined : await grantUsedAt(account, request.clientId);
      return { exists: true, credential: state.credentials[request.mechanism], ...(usedAt === undefined ? {} : { grantUsedAt: usedAt }) };
    },
  });
}
