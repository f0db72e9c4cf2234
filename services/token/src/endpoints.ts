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
   * Ends every grant and FAST token of the account that predates `at` (the password
   * change or deletion just stored): a new password cuts off every client that had the old.
   */
  revokeAccess: (jid: string, reason: 'password-changed' | 'account-deleted', at: string) => Promise<void>;
  /** Bytes of JSON one page of `account.list` may take (pageBudget of the connection). */
  pageBytes: number;
}

/** The token service's account endpoints (docs/architecture.md), pure of NATS. */
export function accountEndpoints({ domain, iterations, view, execute, fakeSecret, revokeAccess, pageBytes }: EndpointDeps) {
  return catalogEndpoints('token', {
    'account.create': async (request) => {
      const account = accountJid(request.jid, domain);
      await execute({ type: 'CreateAccount', jid: account, credentials: deriveCredentials(request.password, iterations) });
      return { jid: account };
    },
    'account.password': async (request) => {
      const account = accountJid(request.jid, domain);
      await execute({ type: 'ChangePassword', jid: account, credentials: deriveCredentials(request.password, iterations) });
      const { state } = view.get(account);
      if (state.status === 'active') await revokeAccess(account, 'password-changed', state.passwordChangedAt);
      return { jid: account };
    },
    'account.delete': async (request) => {
      const account = accountJid(request.jid, domain);
      await execute({ type: 'DeleteAccount', jid: account });
      const { state } = view.get(account);
      if (state.status === 'deleted') await revokeAccess(account, 'account-deleted', state.deletedAt);
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
      return state.status === 'active'
        ? { exists: true, credential: state.credentials[request.mechanism] }
        : { exists: false, credential: fakeCredential(fakeSecret, request.mechanism, account, iterations) };
    },
  });
}
