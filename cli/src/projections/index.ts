import { connectBus } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/telemetry';
import { readCliEnv } from '../env.ts';
import { UsageError } from '../errors.ts';
import { projectionsUsage } from '../help.ts';
import { parseProjectionsArgs } from './args.ts';
import { describeRebuildFailure, rebuildWithProgress } from './rebuild.ts';

/** `gatehouse projections rebuild <name>`: 0 rebuilt, 1 failed, 2 bad command line. */
export async function runProjections(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseProjectionsArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`gatehouse: ${error.message}\n\n${error.usage}`);
    return 2;
  }
  if (command.action === 'help') {
    process.stdout.write(projectionsUsage);
    return 0;
  }
  const env = readCliEnv(process.env);
  const { name } = command;
  let nc;
  try {
    nc = await connectBus({ url: env.natsUrl, name: 'gatehouse-cli', logger: createLogger('gatehouse-cli', 'silent') });
    const print = (line: string) => process.stdout.write(`${line}\n`);
    const { applied } = await rebuildWithProgress(nc, env.namespace, name, print);
    print(`rebuilt ${name}: ${applied} events`);
    return 0;
  } catch (error) {
    process.stderr.write(`gatehouse: ${describeRebuildFailure(error, { natsUrl: env.natsUrl, name })}\n`);
    return 1;
  } finally {
    await nc?.close();
  }
}
