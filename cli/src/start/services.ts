import { fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manage, type ManagedProcess } from './managed-process.ts';
import type { NatsPlan } from './nats.ts';
import { probeNats } from './nats.ts';

/** A child that died or stayed silent before it said it was ready. */
export class StartFailedError extends Error {
  readonly code = 'start-failed';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'StartFailedError';
  }
}

export interface StartingService {
  /** Returned at once, so the caller can stop it whatever happens next. */
  process: ManagedProcess;
  /** The IPC `ready` message: `{ type: 'ready', service, ports?, ... }`. */
  ready: Promise<Record<string, unknown>>;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// Resolved here, not by name in each child: `--import tsx` resolves against the child's
// working directory, which need not be inside this repository.
const tsxLoader = import.meta.resolve('tsx');

export const serviceEntry = (service: string) => join(repoRoot, 'services', service, 'src', 'main.ts');

/**
 * Forks a TypeScript entry (see serviceEntry); `ready` resolves on its IPC `ready` message, by
 * `deadline` (epoch ms). `appendLog` for a restart: the log keeps what the crashed one wrote.
 */
export function forkService(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  deadline: number,
  { appendLog = false } = {},
): StartingService {
  const child = fork(entry, [], {
    execArgv: ['--import', tsxLoader],
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group: Ctrl-C reaches only the launcher, which stops the children in order.
    detached: true,
  });
  const managed = manage(name, child, join(logDir, `${name}.log`), { append: appendLog });
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StartFailedError(`${name} did not become ready in time`, managed.tail())), Math.max(0, deadline - Date.now()));
    child.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready') {
        clearTimeout(timer);
        resolve(message as Record<string, unknown>);
      }
    });
    void managed.exited.then((code) => {
      clearTimeout(timer);
      reject(new StartFailedError(`${name} exited (${code}) before it was ready`, managed.tail()));
    });
  });
  return { process: managed, ready };
}

/** Starts the planned nats-server; `ready` resolves once it greets clients. */
export function spawnNats(plan: Extract<NatsPlan, { kind: 'spawn' }>, logDir: string, timeoutMs = 10_000, { appendLog = false } = {}): StartingService {
  // Detached like the services: Ctrl-C must not stop NATS under services still draining.
  const child = spawn(plan.binary, plan.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const managed = manage('nats', child, join(logDir, 'nats.log'), { append: appendLog });
  let exited = false;
  void managed.exited.then(() => (exited = true));
  const ready = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (!(await probeNats(plan.url, 250))) {
      if (exited) throw new StartFailedError(`nats-server exited before it served ${plan.url}`, managed.tail());
      if (Date.now() > deadline) throw new StartFailedError(`nats-server did not answer on ${plan.url} within ${timeoutMs / 1000} s`, managed.tail());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { type: 'ready', service: 'nats' };
  })();
  return { process: managed, ready };
}
