import { setTimeout as sleep } from 'node:timers/promises';
import type { ManagedProcess } from './managed-process.ts';
import type { StartingService } from './services.ts';

/** A part of the stack: the process running now, and how to start a fresh one. */
export interface Slot {
  process: ManagedProcess;
  restart(): StartingService;
}

export interface Backoff {
  /** Wait before the first restart; doubled after each crash. */
  firstMs: number;
  /** Longest wait between restarts, however often a process crashes. */
  maxMs: number;
  /** A process that stayed up this long counts as healthy: the next crash waits firstMs again. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/**
 * Restarts any process of the stack that exits on its own, with exponential backoff and a
 * cap, and says so each time (a crash loop is a line per crash, with the process's last
 * output): one crashed service must not take the others down. stop() ends supervision
 * before the stack is stopped, so a stop is never mistaken for a crash.
 */
export class Supervisor {
  readonly #stopping = new AbortController();

  constructor(
    private readonly note: (message: string) => void,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {}

  watch(slot: Slot): void {
    void this.#watch(slot);
  }

  stop(): void {
    this.#stopping.abort();
  }

  async #watch(slot: Slot): Promise<void> {
    const { firstMs, maxMs, resetAfterMs } = this.backoff;
    let crashes = 0;
    while (!this.#stopping.signal.aborted) {
      const startedAt = Date.now();
      const code = await slot.process.exited;
      if (this.#stopping.signal.aborted) return;
      if (Date.now() - startedAt >= resetAfterMs) crashes = 0;
      const delayMs = Math.min(firstMs * 2 ** crashes, maxMs);
      crashes += 1;
      const { name, logFile } = slot.process;
      this.note(
        `${name} exited (${code}); restarting it in ${delayMs} ms (crash ${crashes} in a row); its last output (all of it in ${logFile}):\n${slot.process.tail()}`,
      );
      const waited = await sleep(delayMs, true, { signal: this.#stopping.signal }).catch(() => false);
      if (!waited) return;
      const next = slot.restart();
      slot.process = next.process;
      // A restart that dies before it is ready is the next crash of this loop.
      next.ready.then(
        () => this.note(`${name} restarted and ready`),
        () => {},
      );
    }
  }
}
