import { BusUnavailableError, ServiceUnavailableError } from '@gatehouse/bus';
import { bareJid, JidMalformedError, parseJid } from '@gatehouse/xmpp';
import { clientsTable, type ListedClient } from './clients-table.ts';

export type ClientCommand = { action: 'clients'; jid: string } | { action: 'revoke-client'; jid: string; id: string };

/** The two services behind these commands; injected so unit tests need no NATS. */
export interface ClientServices {
  /** projections `clients.list`. */
  list(jid: string): Promise<ListedClient[]>;
  /** client-registry `client.revoke`, as an operator. */
  revoke(jid: string, id: string): Promise<void>;
}

/** Runs one command; returns the lines for stdout. Failures are thrown for describeClientFailure(). */
export async function runClientCommand(command: ClientCommand, services: ClientServices, now: Date): Promise<string[]> {
  const jid = checkedJid(command.jid);
  if (command.action === 'clients') return clientsTable(await services.list(jid), now);
  await services.revoke(jid, command.id);
  return ['Client access revoked'];
}

/** One line for stderr: the protocol's error texts (as Prosody's shell command `user:revoke_client` prints them), or what to do. */
export function describeClientFailure(error: unknown, { natsUrl, command }: { natsUrl: string; command: ClientCommand }): string {
  if (error instanceof BusUnavailableError) return `cannot reach NATS at ${natsUrl}: start the stack with \`npm start\` or set NATS_URL`;
  if (error instanceof ServiceUnavailableError) {
    const service = command.action === 'clients' ? 'projections service' : 'client registry';
    return `the ${service} is not answering: is \`npm start\` running?`;
  }
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'item-not-found':
      return 'Client not found';
    case 'password-reset-required':
      return 'Password reset required';
    case 'account-not-found':
      return `user ${command.jid} does not exist`;
    default:
      return message;
  }
}

function checkedJid(input: string): string {
  const jid = parseJid(input);
  if (jid.local === '' || jid.resource !== '') throw new JidMalformedError(input, 'a user JID is user@domain, without a /resource');
  return bareJid(jid);
}
