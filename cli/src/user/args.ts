import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { userUsage } from '../help.ts';

/** Where the password comes from; stdin is only read once the command line is known good. */
export type PasswordSource = { from: 'argument'; value: string } | { from: 'stdin'; explicit: boolean };

export type UserCommand =
  | { action: 'create'; jid: string; password: PasswordSource }
  | { action: 'password'; jid: string; password: PasswordSource }
  | { action: 'delete'; jid: string }
  | { action: 'list'; domain?: string }
  | { action: 'clients'; jid: string }
  | { action: 'revoke-client'; jid: string; id: string }
  | { action: 'help' };

/** `revoke_client` is Prosody's spelling (prosodyctl shell user revoke_client). */
const actions = ['create', 'password', 'delete', 'list', 'clients', 'revoke-client', 'revoke_client'] as const;
type Action = (typeof actions)[number];
const isAction = (value: string | undefined): value is Action => actions.some((action) => action === value);

/** Parses the words after `gatehouse user`, named like Prosody's `prosodyctl shell user ...`. */
export function parseUserArgs(argv: string[]): UserCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { password: { type: 'string', short: 'p' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error), userUsage);
  }
  const { values, positionals } = parsed;
  if (values.help) return { action: 'help' };
  const [action, ...operands] = positionals;
  if (!isAction(action)) {
    throw new UsageError(action === undefined ? 'missing action' : `unknown action '${action}'`, userUsage);
  }
  if (values.password !== undefined && action !== 'create' && action !== 'password') {
    throw new UsageError(`'user ${action}' takes no --password`, userUsage);
  }
  if (action === 'list') {
    if (operands.length > 1) throw new UsageError('user list takes at most one domain', userUsage);
    return operands[0] === undefined ? { action } : { action, domain: operands[0] };
  }
  if (action === 'revoke-client' || action === 'revoke_client') {
    if (operands.length !== 2) throw new UsageError(`user ${action} takes a JID and a client id`, userUsage);
    return { action: 'revoke-client', jid: operands[0]!, id: operands[1]! };
  }
  if (operands.length !== 1) throw new UsageError(`user ${action} takes exactly one JID`, userUsage);
  const jid = operands[0]!;
  if (action === 'clients') return { action, jid };
  if (action === 'delete') return { action, jid };
  const password: PasswordSource =
    values.password === undefined || values.password === '-'
      ? { from: 'stdin', explicit: values.password === '-' }
      : { from: 'argument', value: values.password };
  return { action, jid, password };
}
