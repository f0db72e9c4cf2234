import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

const TAIL_LINES = 30;

/** A child whose output goes to a log file, keeping its last lines for an error report. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** The last lines it printed, stdout and stderr interleaved. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs: number): Promise<void>;
}

/** `append`: a restarted process adds to the log of the one before, which says why it crashed. */
export function manage(name: string, child: ChildProcess, logFile: string, { append = false } = {}): ManagedProcess {
  const log = createWriteStream(logFile, { flags: append ? 'a' : 'w' });
  // A full disk must not take the launcher (and with it every child) down.
  log.once('error', (error) => process.stderr.write(`gatehouse: cannot write ${logFile}: ${error.message}\n`));
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    const text = partial + chunk.toString('utf8');
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    lines.push(...complete);
    lines.splice(0, Math.max(0, lines.length - TAIL_LINES));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string>((resolve) => {
    // 'close', not 'exit': output may still be arriving when the process has exited.
    child.once('close', (code, signal) => {
      log.end();
      resolve(code ?? signal ?? 'unknown');
    });
    // A binary that cannot be spawned never exits; report it the same way.
    child.once('error', (error) => {
      lines.push(error.message);
      log.end();
      resolve('spawn-failed');
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
  return {
    name,
    child,
    logFile,
    exited,
    tail: () => [...lines, partial].filter((line) => line !== '').join('\n'),
    async stop(graceMs) {
      if (!gone()) child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(force);
    },
  };
}
