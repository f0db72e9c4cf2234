import { pageOf, type Endpoints } from '@gatehouse/bus';
import { z } from 'zod';
import type { AccountsView } from './account/accounts-view.ts';
import type { CommandHandler } from './account/command-handler.ts';
import { deriveCredentials } from './credentials.ts';
import { fakeCredential } from './fake-credential.ts';
import { accountJid } from '@gatehouse/xmpp';
import { parsePayload as parse } from '@gatehouse/bus';

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
}

/** The account event that decides an access cut: its type, id and time. */
export interface AccessCause {
  type: 'gatehouse.account.password-changed.v1' | 'gatehouse.account.deleted.v1';
  id: string;
  at: string;
}

// RFC 7622 caps each JID part at 1023 bytes; these bounds only stop absurd payloads early.
const jid = z.string().min(1).max(3071);
const password = z.string().min(1, 'the password is empty').max(1023);
const mechanism = z.enum(['SCRAM-SHA-1', 'SCRAM-SHA-256']);

const schemas = {
  'account.create': z.object({ jid, password }),
  'account.password': z.object({ jid, password }),
  'account.delete': z.object({ jid }),
  'account.list': z.object({ domain: z.string().min(1).max(1023).optional(), cursor: z.string().max(64).optional() }).optional(),
  'account.exists': z.object({ jid }),
  'auth.credentials': z.object({ jid, mechanism }),
};

/** The token service's account endpoints (docs/architecture.md), pure of NATS. */
export function accountEndpoints({ domain, iterations, view, execute, fakeSecret, revokeAccess, pageBytes }: EndpointDeps): Endpoints {
  return {
    'account.create': async (payload) => {
      const request = parse(schemas['account.create'], payload);
      const account = accountJid(request.jid, domain);
      await execute({ type: 'CreateAccount', jid: account, credentials: deriveCredentials(request.password, iterations) });
      return { jid: account };
    },
    'account.password': async (payload) => {
      const request = parse(schemas['account.password'], payload);
      const account = accountJid(request.jid, domain);
      const stored = await execute({ type: 'ChangePassword', jid: account, credentials: deriveCredentials(request.password, iterations) });
      const changed = stored.find((fact) => fact.type === 'gatehouse.account.password-changed.v1');
      if (changed) await revokeAccess(account, 'password-changed', { type: changed.type, id: changed.id, at: changed.time });
      return { jid: account };
    },
    'account.delete': async (payload) => {
      const account = accountJid(parse(schemas['account.delete'], payload).jid, domain);
      const stored = await execute({ type: 'DeleteAccount', jid: account });
      const deleted = stored.find((fact) => fact.type === 'gatehouse.account.deleted.v1');
      if (deleted) await revokeAccess(account, 'account-deleted', { type: deleted.type, id: deleted.id, at: deleted.time });
      return { jid: account };
    },
    'account.list': async (payload) => {
      const request = parse(schemas['account.list'], payload);
      // Paged (@gatehouse/bus): thousands of accounts outgrow one NATS message. Any account
      // event moves the view's version, so a listing that changed between pages restarts.
      return pageOf(view.list(request?.domain?.toLowerCase()), { version: view.version, cursor: request?.cursor, budget: pageBytes });
    },
    'account.exists': async (payload) => {
      const account = accountJid(parse(schemas['account.exists'], payload).jid, domain);
      return { exists: view.get(account).state.status === 'active' };
    },
    'auth.credentials': async (payload) => {
      const request = parse(schemas['auth.credentials'], payload);
      const account = accountJid(request.jid, domain);
      const { state } = view.get(account);
      return state.status === 'active'
        ? { exists: true, credential: state.credentials[request.mechanism] }
        : { exists: false, credential: fakeCredential(fakeSecret, request.mechanism, account, iterations) };
    },
  };
}
