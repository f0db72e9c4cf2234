import { connectBus, request, requestAll, type Page } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { readCliEnv } from '../env.ts';
import { UsageError } from '../errors.ts';
import { userUsage } from '../help.ts';
import { parseUserArgs } from './args.ts';
import { describeClientFailure, runClientCommand, type ClientCommand } from './clients.ts';
import type { ListedClient } from './clients-table.ts';
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
  const token = tokenClient(env.natsUrl, namesFor(env.namespace).services.token);
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
  const names = namesFor(env.namespace);
  const bus = lazyBus(env.natsUrl);
  try {
    const lines = await runClientCommand(
      command,
      {
        list: async (jid) => (await bus.requestAll<Page<ListedClient>>(`${names.services.projections}.clients.list`, { jid })).items,
        revoke: async (jid, id) => void (await bus.request(`${names.services.clientRegistry}.client.revoke`, { jid, id, reason: 'revoked-by-admin' })),
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
    request: async <T>(subject: string, payload: unknown): Promise<T> => {
      connection ??= connectBus({ url, name: 'gatehouse-cli', logger });
      return request<T>(await connection, subject, payload, { timeoutMs: requestTimeoutMs });
    },
    requestAll: async <P extends Page<unknown>>(subject: string, payload: Record<string, unknown>): Promise<P> => {
      connection ??= connectBus({ url, name: 'gatehouse-cli', logger });
      return requestAll<P>(await connection, subject, payload, { timeoutMs: requestTimeoutMs });
    },
    close: async () => {
      const nc = await connection?.catch(() => undefined);
      await nc?.close();
    },
  };
}

function tokenClient(url: string, group: string): TokenClient & { close(): Promise<void> } {
  const bus = lazyBus(url);
  return {
    request: (endpoint, payload) => bus.request(`${group}.${endpoint}`, payload),
    requestAll: (endpoint, payload) => bus.requestAll(`${group}.${endpoint}`, payload),
    close: () => bus.close(),
  };
}
