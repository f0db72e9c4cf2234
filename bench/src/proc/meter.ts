/**
 * Server cost of a figure: CPU of every server process between two snapshots, and the
 * resident memory of the same processes. The server says which processes it has
 * (`TrackedProcess[]`), each with a role so a result can show where the time went.
 */
import { readRssKb, readStat } from './proc.ts';

export interface TrackedProcess {
  pid: number;
  /** gateway, token, projections, nats, postgres, launcher, prosody ... */
  role: string;
}

export interface CpuSnapshot {
  at: number;
  byPid: Map<number, { role: string; cpuMs: number }>;
}

export interface CpuSpent {
  totalMs: number;
  byRole: Record<string, number>;
  wallMs: number;
}

export function cpuSnapshot(tracked: readonly TrackedProcess[]): CpuSnapshot {
  const byPid = new Map<number, { role: string; cpuMs: number }>();
  for (const { pid, role } of tracked) {
    const stat = readStat(pid);
    if (stat) byPid.set(pid, { role, cpuMs: stat.cpuMs });
  }
  return { at: performance.now(), byPid };
}

/** A process seen only in `after` started inside the window: all its time counts. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSpent {
  const byRole: Record<string, number> = {};
  let totalMs = 0;
  for (const [pid, { role, cpuMs }] of after.byPid) {
    const spent = cpuMs - (before.byPid.get(pid)?.cpuMs ?? 0);
    byRole[role] = (byRole[role] ?? 0) + spent;
    totalMs += spent;
  }
  return { totalMs, byRole, wallMs: after.at - before.at };
}

export interface RssSample {
  totalKb: number;
  byRole: Record<string, number>;
}

export function rssSample(tracked: readonly TrackedProcess[]): RssSample {
  const byRole: Record<string, number> = {};
  let totalKb = 0;
  for (const { pid, role } of tracked) {
    const kb = readRssKb(pid);
    byRole[role] = (byRole[role] ?? 0) + kb;
    totalKb += kb;
  }
  return { totalKb, byRole };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the servers go quiet (under `idleMs` of CPU per 250 ms, i.e. one clock
 * tick), so work a figure queued (event consumers, projections, disk flushes) is counted
 * in it and not in the next one. Bounded by `maxMs`.
 */
export async function settle(tracked: () => readonly TrackedProcess[], { idleMs = 10, maxMs = 5_000 } = {}): Promise<void> {
  const deadline = performance.now() + maxMs;
  let previous = cpuSnapshot(tracked());
  while (performance.now() < deadline) {
    await sleep(250);
    const next = cpuSnapshot(tracked());
    if (cpuBetween(previous, next).totalMs <= idleMs) return;
    previous = next;
  }
}
