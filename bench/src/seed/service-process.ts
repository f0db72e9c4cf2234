/**
 * One service process, forked as `gatehouse start` forks it (cli/src/start/services.ts):
 * its `src/main.ts` through tsx, with an IPC channel on which it says `ready` once it
 * serves (signalReady of @gatehouse/telemetry, after its start() resolved). Kept apart
 * from the launcher so its pid is known from the first instant: memory is sampled while
 * it replays, and a start that never ends can still be read before it is stopped.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { bound } from '../concurrency.ts';
import { repoRoot } from '../servers/gatehouse.ts';

const tsxLoader = import.meta.resolve('tsx');
const TAIL_CHARS = 4_000;

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** performance.now() when it was forked. */
  readonly forkedAt: number;
  /** Resolves with performance.now() at its IPC `ready`; never settles if it exits first. */
  readonly ready: Promise<number>;
  /** Resolves with the exit code or signal once it is gone. */
  readonly exited: Promise<number | string>;
  /** Its last output (stdout and stderr). */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const serviceEntry = (service: string) => join(repoRoot, 'services', service, 'src', 'main.ts');

export function forkService(name: string, service: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const forkedAt = performance.now();
  const child = fork(serviceEntry(service), [], { execArgv: ['--import', tsxLoader], env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  if (child.pid === undefined) throw new Error(`could not fork ${service}`);
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-TAIL_CHARS));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const ready = new Promise<number>((resolve) => {
    child.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready') resolve(performance.now());
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    pid: child.pid,
    forkedAt,
    ready,
    exited,
    tail: () => output,
    async stop(graceMs = 15_000) {
      if (!gone()) child.kill('SIGTERM');
      const forced = await Promise.race([exited.then(() => false), bound(graceMs).then(() => true)]);
      if (forced && !gone()) child.kill('SIGKILL');
      await exited;
    },
  };
}
