/**
 * "Idle after the start": a service may answer before it has caught up (client-registry's
 * and projections' durable consumers, roster-sync's last-activity intake run after ready),
 * so memory is read once it and what it drives (NATS, PostgreSQL) have gone quiet, then
 * after a pause for V8's lazy collectors, as the median of five samples.
 */
import { sleep } from '../concurrency.ts';
import { cpuBetween, cpuSnapshot, type TrackedProcess } from '../proc/meter.ts';
import { readRssKb } from '../proc/proc.ts';
import { median } from '../stats.ts';

/** Quiet: the tracked processes together spent at most this much CPU in one window (5 % of a core). */
const QUIET_CPU_MS = 50;
const WINDOW_MS = 1_000;
const COLLECTOR_PAUSE_MS = 3_000;

/** Ms until the first quiet window began, or null when none came within `maxMs`. */
export async function waitQuiet(tracked: () => readonly TrackedProcess[], maxMs: number): Promise<number | null> {
  const started = performance.now();
  let previous = cpuSnapshot(tracked());
  while (performance.now() - started < maxMs) {
    await sleep(WINDOW_MS);
    const next = cpuSnapshot(tracked());
    if (cpuBetween(previous, next).totalMs <= QUIET_CPU_MS) return previous.at - started;
    previous = next;
  }
  return null;
}

export async function steadyRssKb(pid: number): Promise<number> {
  await sleep(COLLECTOR_PAUSE_MS);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(400);
    samples.push(readRssKb(pid));
  }
  return median(samples);
}
