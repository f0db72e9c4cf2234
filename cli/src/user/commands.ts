import type { PagedPayload } from '@gatehouse/bus';
import type { RequestOf } from '@gatehouse/events';
import { bareJid, JidMalformedError, parseJid } from '@gatehouse/xmpp';

/** Endpoints of the token service the user commands call (docs/architecture.md). */
export type TokenEndpoint = 'account.create' | 'account.password' | 'account.delete';

/**
 * The token service, and the account listing of the projections service (no token replica
 * holds every account) read to its last page; injected so the commands run against a fake
 * in unit tests.
 */
export interface TokenClient {
  request<Endpoint extends TokenEndpoint>(endpoint: Endpoint, payload: RequestOf<`token.${Endpoint}`>): Promise<unknown>;
  listAccounts(payload: PagedPayload<'projections.accounts.list'>): Promise<{ items: string[] }>;
}

/** A user command whose password, if any, has been read. */
export type ResolvedUserCommand =
  | { action: 'create' | 'password'; jid: string; password: string }
  | { action: 'delete'; jid: string }
  | { action: 'list'; domain?: string };

/** Runs one command; returns the lines for stdout. Failures are thrown for describeFailure(). */
export async function runUserCommand(command: ResolvedUserCommand, { request, listAccounts }: TokenClient): Promise<string[]> {
  switch (command.action) {
    case 'create': {
      const jid = checkedJid(command.jid);
      await request('account.create', { jid, password: command.password });
      return [`created user ${jid}`];
    }
    case 'password': {
      const jid = checkedJid(command.jid);
      await request('account.password', { jid, password: command.password });
      return [`changed the password of user ${jid}`];
    }
    case 'delete': {
      const jid = checkedJid(command.jid);
      await request('account.delete', { jid });
      return [`deleted user ${jid}`];
    }
    case 'list': {
      return (await listAccounts(command.domain === undefined ? {} : { domain: command.domain })).items;
    }
    default: {
      const unexpected: never = command;
      throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * Catches what is wrong with a JID before any network round trip, so a typo gets a precise
 * answer even when the stack is down; the token service checks again (it knows the domain).
 */
function checkedJid(input: string): string {
  const jid = parseJid(input);
  if (jid.local === '' || jid.resource !== '') {
    throw new JidMalformedError(input, 'a user JID is user@domain, without a /resource');
  }
  return bareJid(jid);
}
