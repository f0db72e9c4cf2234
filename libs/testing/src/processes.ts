import { fork, type ChildProcess } from 'node:child_process';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** The payload of the process's IPC `ready` message (ports and such). */
  readonly ready: Record<string, unknown>;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a service's main.ts as a real process (the way `gatehouse start` does) and
 * waits for its IPC `ready` message, bounded in time.
 */
export function startServiceProcess(mainPath: string, env: Record<string, string>, timeoutMs = 20_000): Promise<ServiceProcess> {
  const child = fork(mainPath, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, OTEL_SDK_DISABLED: 'true', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`${mainPath} not ready after ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready') {
        clearTimeout(timer);
        resolve({ child, ready: message as Record<string, unknown>, stderr: () => stderr, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${mainPath} exited with ${code} before it was ready:\n${stderr}`));
    });
  });
}
