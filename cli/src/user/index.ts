import { connectBus, request } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { readCliEnv } from '../env.ts';
import { UsageError } from '../errors.ts';
import { userUsage } from '../help.ts';
import { parseUserArgs } from './args.ts';
import { runUserCommand, type ResolvedUserCommand, type TokenRequest } from './commands.ts';
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
  const token = tokenClient(env.natsUrl, namesFor(env.namespace).services.token);
  try {
    const lines = await runUserCommand(command, token.request);
    for (const line of lines) process.stdout.write(`${line}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`gatehouse: ${describeFailure(error, { natsUrl: env.natsUrl, command })}\n`);
    return 1;
  } finally {
    await token.close();
  }
}

/** Connects on the first request, so a command refused locally never waits for NATS. */
function tokenClient(url: string, group: string): { request: TokenRequest; close(): Promise<void> } {
  let connection: ReturnType<typeof connectBus> | undefined;
  // The CLI's stdout is its output (user list); logs would only get in the way.
  const logger = createLogger('gatehouse-cli', 'silent');
  return {
    request: async (endpoint, payload) => {
      connection ??= connectBus({ url, name: 'gatehouse-cli', logger });
      return request(await connection, `${group}.${endpoint}`, payload, { timeoutMs: requestTimeoutMs });
    },
    close: async () => {
      const nc = await connection?.catch(() => undefined);
      await nc?.close();
    },
  };
}
