import { catalogEndpoints, pageOf } from '@gatehouse/bus';
import type { AccountsView } from './account/accounts-view.ts';
import type { CommandHandler } from './account/command-handler.ts';
import { deriveCredentials } from './credentials.ts';
import { fakeCredential } from './fake-credential.ts';
import { accountJid } from '@gatehouse/xmpp';

export interface EndpointDeps {
  /** The XMPP domain served: accounts of any other are refused with `host-unknown`. */
  domain: string;
  /** PBKDF2 iterations for new credentials and for fake ones. */
  iterations: number;
  view: AccountsView;
  execute: CommandHandler;
  /** Key of the fake credentials (shared-secret.ts). */
  fakeSecret: Uint8Array;
  /**
   * Ends every grant and FAST token of the account that predates `cause` (the password
   * change or deletion just stored): a new password cuts off every client that had the old.
   * Then, and only then, its sessions (control.access-cut, naming the cause).
   */
  revokeAccess: (jid: string, reason: 'password-changed' | 'account-deleted', cause: AccessCause) => Promise<void>;
  /** Bytes of JSON one page of `account.list` may take (pageBudget of the connection). */
  pageBytes: number;
  /** When the client's live grant was last used (access.ts grantLastUsedAt); undefined when it has none. */
  grantUsedAt: (jid: string, clientId: string) => string | undefined;
}

/** The account event that decides an access cut: its type, id and time. */
export interface AccessCause {
  type: 'gatehouse.account.password-changed.v1' | 'gatehouse.account.deleted.v1';
  id: string;
  at: string;
}

/** The token service's account endpoints (docs/architecture.md), pure of NATS. */
export function accountEndpoints({ domain, iterations, view, execute, fakeSecret, revokeAccess, pageBytes, grantUsedAt }: EndpointDeps) {
  return catalogEndpoints('token', {
    'account.create': async (request) => {
      const account = accountJid(request.jid, domain);
      await execute({ type: 'CreateAccount', jid: account, credentials: deriveCredentials(request.password, iterations) });
      return { jid: account };
    },
    'account.password': async (request) => {
      const account = accountJid(request.jid, domain);
      const stored = await execute({ type: 'ChangePassword', jid: account, credentials: deriveCredentials(request.password, iterations) });
      const changed = stored.find((fact) => fact.type === 'gatehouse.account.password-changed.v1');
      if (changed) await revokeAccess(account, 'password-changed', { type: changed.type, id: changed.id, at: changed.time });
      return { jid: account };
    },
    'account.delete': async (request) => {
      const account = accountJid(request.jid, domain);
      const stored = await execute({ type: 'DeleteAccount', jid: account });
      const deleted = stored.find((fact) => fact.type === 'gatehouse.account.deleted.v1');
      if (deleted) await revokeAccess(account, 'account-deleted', { type: deleted.type, id: deleted.id, at: deleted.time });
      return { jid: account };
    },
    'account.list': async (request) => {
      // Paged (@gatehouse/bus): thousands of accounts outgrow one NATS message. Any account
      // event moves the view's version, so a listing that changed between pages restarts.
      return pageOf(view.list(request?.domain?.toLowerCase()), { version: view.version, cursor: request?.cursor, budget: pageBytes });
    },
    'account.exists': async (request) => {
      const account = accountJid(request.jid, domain);
      return { exists: view.get(account).state.status === 'active' };
    },
    'auth.credentials': async (request) => {
      const account = accountJid(request.jid, domain);
      const { state } = view.get(account);
      if (state.status !== 'active') return { exists: false, credential: fakeCredential(fakeSecret, request.mechanism, account, iterations) };
      const usedAt = request.clientId === undefined ? undefined : grantUsedAt(account, request.clientId);
      return { exists: true, credential: state.credentials[request.mechanism], ...(usedAt === undefined ? {} : { grantUsedAt: usedAt }) };
    },
  });
}
