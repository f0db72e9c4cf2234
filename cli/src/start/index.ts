import { UsageError } from '../errors.ts';
import { parseStartArgs, startUsage } from './args.ts';
import { launch } from './launch.ts';
import { NatsUnavailableError } from './nats.ts';
import { planGateways } from './ports.ts';
import { StartFailedError } from './services.ts';
import { Stack } from './stack.ts';
import { Supervisor } from './supervisor.ts';
import { readStartEnv } from './start-env.ts';

const note = (message: string) => process.stderr.write(`gatehouse: ${message}\n`);

/**
 * `gatehouse start`: runs the stack in the foreground until SIGINT/SIGTERM (exit 0), or
 * until a part of it fails to start (exit 1, with that part's last output). Once the stack
 * is ready, a part that exits is restarted (Supervisor) and the others serve on.
 */
export async function runStart(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseStartArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`gatehouse start: ${error.message}\n\n${error.usage}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(startUsage);
    return 0;
  }
  const env = readStartEnv(process.env);
  const gateways = planGateways(args.gateways, process.env);

  const stack = new Stack();
  const signalled = onceSignalled();
  const aborter = new AbortController();
  void signalled.promise.then(() => aborter.abort());
  const launching = launch({ env, gateways, stack, note, signal: aborter.signal });
  try {
    const readyLine = await Promise.race([launching, signalled.promise]);
    if (readyLine === 'signal') {
      // Stopping the children makes a launch still waiting for them fail fast.
      await stack.stop();
      await launching.catch(() => undefined);
      return await shutDown(stack, 0);
    }
    process.stdout.write(`${readyLine}\n`);
    stack.supervise(new Supervisor(note));
    await signalled.promise;
    return await shutDown(stack, 0);
  } catch (error) {
    if (error instanceof NatsUnavailableError) note(error.message);
    else if (error instanceof StartFailedError) note(`${error.message}; its last output:\n${error.output}`);
    else note(error instanceof Error ? error.message : String(error));
    return await shutDown(stack, 1);
  } finally {
    signalled.dispose();
  }
}

async function shutDown(stack: Stack, code: number): Promise<number> {
  await stack.stop();
  return code;
}

/** SIGINT/SIGTERM as a promise; while it is installed a signal no longer kills the launcher outright. */
function onceSignalled(): { promise: Promise<'signal'>; dispose(): void } {
  let handler: () => void = () => {};
  const promise = new Promise<'signal'>((resolve) => {
    handler = () => {
      note('stopping');
      resolve('signal');
    };
  });
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    promise,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
