import { call, callAll, connectBus, serviceCaller } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/telemetry';
import { readCliEnv } from '../env.ts';
import { UsageError } from '../errors.ts';
import { userUsage } from '../help.ts';
import { parseUserArgs } from './args.ts';
import { describeClientFailure, runClientCommand, type ClientCommand } from './clients.ts';
import { runUserCommand, type ResolvedUserCommand, type TokenClient } from './commands.ts';
import { describeFailure } from './messages.ts';
import { readAll, resolvePassword } from './password.ts';

const requestTimeoutMs = 10_000;

/** `gatehouse user ...`: returns the exit code (0 done, 1 failed, 2 bad command line). */
export async function runUser(argv: string[]): Promise<number> {
  let command: ResolvedUserCommand;
  try {
    const parsed = parseUserArgs(argv);
    if (parsed.action === 'help') {
      process.stdout.write(userUsage);
      return 0;
    }
    if (parsed.action === 'clients' || parsed.action === 'revoke-client') return await runClients(parsed);
    command =
      parsed.action === 'create' || parsed.action === 'password'
        ? { ...parsed, password: await resolvePassword(parsed.password, { isTTY: process.stdin.isTTY === true, read: () => readAll(process.stdin) }) }
        : parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`gatehouse: ${error.message}\n\n${error.usage}`);
    return 2;
  }

  const env = readCliEnv(process.env);
  const token = tokenClient(env.natsUrl, env.namespace);
  try {
    const lines = await runUserCommand(command, token);
    for (const line of lines) process.stdout.write(`${line}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`gatehouse: ${describeFailure(error, { natsUrl: env.natsUrl, command })}\n`);
    return 1;
  } finally {
    await token.close();
  }
}

/** `user clients` and `user revoke-client`: the listing from projections, revocation by client-registry. */
async function runClients(command: ClientCommand): Promise<number> {
  const env = readCliEnv(process.env);
  const ns = env.namespace;
  const bus = lazyBus(env.natsUrl);
  const options = { timeoutMs: requestTimeoutMs };
  try {
    const lines = await runClientCommand(
      command,
      {
        list: async (jid) => (await callAll(await bus.connection(), ns, 'projections.clients.list', { jid }, options)).items,
        revoke: async (jid, id) => void (await call(await bus.connection(), ns, 'clients.client.revoke', { jid, id, reason: 'revoked-by-admin' }, options)),
      },
      new Date(),
    );
    for (const line of lines) process.stdout.write(`${line}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`gatehouse: ${describeClientFailure(error, { natsUrl: env.natsUrl, command })}\n`);
    return 1;
  } finally {
    await bus.close();
  }
}

/** Connects on the first request, so a command refused locally never waits for NATS. */
function lazyBus(url: string) {
  let connection: ReturnType<typeof connectBus> | undefined;
  // The CLI's stdout is its output (user list); logs would only get in the way.
  const logger = createLogger('gatehouse-cli', 'silent');
  return {
    connection: () => (connection ??= connectBus({ url, name: 'gatehouse-cli', logger })),
    close: async () => {
      const nc = await connection?.catch(() => undefined);
      await nc?.close();
    },
  };
}

function tokenClient(url: string, ns: string): TokenClient & { close(): Promise<void> } {
  const bus = lazyBus(url);
  const options = { timeoutMs: requestTimeoutMs };
  return {
    request: async (endpoint, payload) => serviceCaller(await bus.connection(), ns, 'token', options)(endpoint, payload),
    listAccounts: async (payload) => callAll(await bus.connection(), ns, 'projections.accounts.list', payload, options),
    close: () => bus.close(),
  };
}
