import type { Endpoint } from '../client/connection.ts';
import type { Account } from '../client/login.ts';
import type { ScramKeyCache } from '../client/scram.ts';
import { cpuBetween, cpuSnapshot, settle, type CpuSpent } from '../proc/meter.ts';
import type { BenchServer } from '../servers/server.ts';
import { round } from '../stats.ts';

export interface FigureContext {
  server: BenchServer;
  /** How long each timed load phase runs. */
  durationMs: number;
  /** Shared by every figure of a round: PBKDF2 runs once per account and salt. */
  cache: ScramKeyCache;
  /** Progress for the person running the bench. */
  log(message: string): void;
}

export const PASSWORD = 'bench-password';

export function accounts(prefix: string, count: number): Account[] {
  return Array.from({ length: count }, (_, i) => ({ user: `${prefix}${i}`, password: PASSWORD }));
}

/** Client i goes to replica i mod n: load and pairs spread over every replica. */
export const endpointFor = (server: BenchServer, i: number): Endpoint => server.endpoints[i % server.endpoints.length]!;

export interface Measured<T> {
  value: T;
  /** Wall time of `load` alone (not of the settling after it), ms. */
  wallMs: number;
  server: CpuSpent;
  /** CPU of this (client) process during `load`, ms. */
  clientCpuMs: number;
}

/**
 * Runs `load` between two CPU snapshots of the server's processes; the second is taken
 * once the servers are quiet again, so queued work (consumers, projections, disk) counts.
 */
export async function measure<T>(server: BenchServer, label: string, load: () => Promise<T>): Promise<Measured<T>> {
  await server.profile?.('start', label);
  const before = cpuSnapshot(server.processes());
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const value = await load();
  const wallMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  await settle(() => server.processes());
  const after = cpuSnapshot(server.processes());
  await server.profile?.('stop', label);
  return { value, wallMs, server: cpuBetween(before, after), clientCpuMs: (client.user + client.system) / 1000 };
}

/** Server CPU per operation, total and by process role, in ms. */
export function cpuPerOperation(spent: CpuSpent, operations: number): { serverCpuMsPerOp: number; byRoleMsPerOp: Record<string, number> } {
  const per = (ms: number) => round(operations > 0 ? ms / operations : Number.NaN, 4);
  return {
    serverCpuMsPerOp: per(spent.totalMs),
    byRoleMsPerOp: Object.fromEntries(Object.entries(spent.byRole).filter(([, ms]) => ms > 0).map(([role, ms]) => [role, per(ms)])),
  };
}

/** Loops `work` in `workers` parallel loops until `durationMs` has passed; each loop finishes its current turn. */
export async function runFor(durationMs: number, workers: number, work: (worker: number, turn: number) => Promise<void>): Promise<void> {
  const deadline = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let turn = 0; performance.now() < deadline; turn++) await work(worker, turn);
    }),
  );
}
