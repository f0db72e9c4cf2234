import { BusUnavailableError, ServiceError, ServiceUnavailableError } from '@gatehouse/bus';
import { UsageError } from '../errors.ts';
import type { ResolvedUserCommand } from './commands.ts';

const verbs = { create: 'create', password: 'change the password of', delete: 'delete', list: 'list' } as const;

/** Where the failure happened, for a message the operator can act on. */
export interface FailureContext {
  natsUrl: string;
  command: ResolvedUserCommand;
}

/** One line for stderr, saying what went wrong and, where we know it, what to do. */
export function describeFailure(error: unknown, { natsUrl, command }: FailureContext): string {
  const jid = 'jid' in command ? command.jid : undefined;
  if (error instanceof BusUnavailableError) {
    return `cannot reach NATS at ${natsUrl}: start the stack with \`npm start\` or set NATS_URL`;
  }
  if (error instanceof ServiceUnavailableError) {
    // Accounts are listed from the account listing (PostgreSQL), not by the token service.
    return `the ${command.action === 'list' ? 'projections' : 'token'} service is not answering: is \`npm start\` running?`;
  }
  if (error instanceof UsageError) return error.message;
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'account-exists':
      return `user ${jid} already exists`;
    case 'account-not-found':
      return `user ${jid} does not exist`;
    case 'jid-malformed':
      return message;
    default:
      return error instanceof ServiceError
        ? `cannot ${verbs[command.action]} ${jid === undefined ? 'users' : `user ${jid}`}: ${message}`
        : `unexpected failure: ${message}`;
  }
}
