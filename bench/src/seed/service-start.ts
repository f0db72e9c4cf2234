/**
 * One measured start of one service, alone: fork → IPC `ready` (the moment `gatehouse
 * start` counts it as up), the CPU it spent getting there, then quiet (see quiet.ts) and
 * its resident memory (VmRSS of the service's Node process; tsx's esbuild helper left out).
 * A start that misses `readyTimeoutMs`, or a process that exits first, is a result too.
 */
import { bound } from '../concurrency.ts';
import type { TrackedProcess } from '../proc/meter.ts';
import { descendants, readPeakRssKb, readRssKb, readStat } from '../proc/proc.ts';
import { steadyRssKb, waitQuiet } from './quiet.ts';
import { forkService } from './service-process.ts';
import type { ServiceName } from './options.ts';

export interface StartFigure {
  service: ServiceName;
  /** Which namespace: the seeded one, or an empty one for comparison. */
  data: 'seeded' | 'empty';
  /** `first`: fresh durable consumers and checkpoints; `restart`: they exist, as after any deployment. */
  start: 'first' | 'restart';
  outcome: 'ready' | 'not-ready' | 'exited';
  /** Fork → IPC ready. */
  readyMs?: number;
  /** CPU (user + system) of the service process until ready, or until the bound. */
  cpuMs: number;
  /** Ready → quiet; null when it did not go quiet within the bound. */
  quietAfterMs?: number | null;
  /** Steady VmRSS once quiet (or at the bound). */
  rssKb: number;
  /** VmHWM, or the highest sample for a process that exited. */
  peakRssKb: number;
  note?: string;
}

export interface StartRequest {
  service: ServiceName;
  data: StartFigure['data'];
  start: StartFigure['start'];
  env: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  idleTimeoutMs: number;
  /** What else must be quiet: the NATS server, the PostgreSQL backends. */
  alsoTracked: () => TrackedProcess[];
  log(message: string): void;
}

const SAMPLE_MS = 500;

export async function measureStart(request: StartRequest): Promise<StartFigure> {
  const { service, data, start, log } = request;
  const proc = forkService(`${service}-${data}-${start}`, service, request.env);
  let sampledPeakKb = 0;
  const sampler = setInterval(() => (sampledPeakKb = Math.max(sampledPeakKb, readRssKb(proc.pid))), SAMPLE_MS);
  const cpuMs = () => Math.round(readStat(proc.pid)?.cpuMs ?? 0);
  const peak = () => Math.max(sampledPeakKb, readPeakRssKb(proc.pid));
  const base = { service, data, start };
  try {
    const outcome = await Promise.race([
      proc.ready.then((at) => ({ kind: 'ready' as const, at })),
      proc.exited.then((code) => ({ kind: 'exited' as const, code })),
      bound(request.readyTimeoutMs).then(() => ({ kind: 'not-ready' as const })),
    ]);
    if (outcome.kind === 'exited') {
      const note = `exited (${outcome.code}) before it was ready: ${proc.tail().slice(-600)}`;
      log(`${service}: ${note}`);
      return { ...base, outcome: 'exited', cpuMs: 0, rssKb: 0, peakRssKb: sampledPeakKb, note };
    }
    if (outcome.kind === 'not-ready') {
      const figure = { ...base, outcome: 'not-ready' as const, cpuMs: cpuMs(), rssKb: readRssKb(proc.pid), peakRssKb: peak() };
      log(`${service}: not ready within ${request.readyTimeoutMs / 1000} s (RSS ${Math.round(figure.rssKb / 1024)} MB)`);
      return { ...figure, note: `not ready within ${request.readyTimeoutMs / 1000} s` };
    }
    const readyMs = Math.round(outcome.at - proc.forkedAt);
    const cpuToReady = cpuMs();
    log(`${service}: ready in ${(readyMs / 1000).toFixed(1)} s; waiting for quiet`);
    const tracked = () => [...descendants(proc.pid).map((pid) => ({ pid, role: service })), ...request.alsoTracked()];
    const quiet = await waitQuiet(tracked, request.idleTimeoutMs);
    const quietAfterMs = quiet === null ? null : Math.round(quiet);
    const rssKb = await steadyRssKb(proc.pid);
    log(`${service}: ${quietAfterMs === null ? `still busy after ${request.idleTimeoutMs / 1000} s` : `quiet ${(quietAfterMs / 1000).toFixed(1)} s after ready`}, RSS ${Math.round(rssKb / 1024)} MB`);
    return { ...base, outcome: 'ready', readyMs, cpuMs: cpuToReady, quietAfterMs, rssKb, peakRssKb: peak() };
  } finally {
    clearInterval(sampler);
    await proc.stop();
  }
}
