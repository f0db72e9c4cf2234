/**
 * What the kernel says a set of processes costs: CPU time (utime + stime, proc(5)
 * /proc/<pid>/stat fields 14 and 15, in clock ticks) and resident memory
 * (/proc/<pid>/status VmRSS). Linux only, as is the bench.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in ms. */
  cpuMs: number;
}

/** Undefined when the process is gone (it may exit between listing and reading). */
export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(pid, readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

export function parseStat(pid: number, text: string): ProcStat {
  // comm may hold spaces and parentheses: it ends at the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { pid, ppid: Number(fields[1]), comm, cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_S };
}

/** A size field of /proc/<pid>/status in kB (VmRSS, VmHWM ...); 0 when the process is gone. */
function readStatusKb(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    return Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export const readRssKb = (pid: number) => readStatusKb(pid, 'VmRSS');

/** VmHWM: the most the process has held resident since it started. */
export const readPeakRssKb = (pid: number) => readStatusKb(pid, 'VmHWM');

export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** `root` and every process below it. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Processes whose command name (comm) is `name`, e.g. the system's `nats-server`. */
export function pidsByName(name: string): number[] {
  return allPids().filter((pid) => readStat(pid)?.comm === name);
}
