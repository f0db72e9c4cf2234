/**
 * Phase 4's stack on the seeded namespace and database: started as every other bench
 * starts Gatehouse (startGatehouse: `gatehouse start --gateways 2`). The launcher gives
 * its services 30 s to get ready (cli/src/start/launch.ts); when they need longer on this
 * data, that failure is recorded and the same processes are forked by the bench itself
 * with the same environment and a longer bound, so the figures after it still exist.
 */
import type { Endpoint } from '../client/connection.ts';
import type { TrackedProcess } from '../proc/meter.ts';
import { descendants } from '../proc/proc.ts';
import { bound } from '../concurrency.ts';
import type { BenchDatabase } from '../servers/database.ts';
import { startGatehouse } from '../servers/gatehouse.ts';
import { ServerStartError } from '../servers/server.ts';
import { DOMAIN } from './layout.ts';
import { forkService, type ServiceProcess } from './service-process.ts';
import { gatewayTlsPort, serviceEnv, type ServiceEnvInput } from './service-env.ts';

export interface SeededStack {
  how: 'gatehouse start' | 'forked by the bench';
  /** Why `gatehouse start` did not serve, when it did not. */
  launcherFailure?: string;
  /** From the launch to every part ready. */
  readyMs: number;
  endpoints: Endpoint[];
  /** The stack's own processes. Not NATS: on a shared URL startGatehouse counts every nats-server of the machine, and the caller tracks its own. */
  processes(): TrackedProcess[];
  stop(): Promise<void>;
}

export interface StackRequest {
  env: ServiceEnvInput;
  database: BenchDatabase;
  readyTimeoutMs: number;
  log(message: string): void;
}

const GATEWAYS = 2;

export async function startSeededStack(request: StackRequest): Promise<SeededStack> {
  const { env, log } = request;
  const started = performance.now();
  try {
    const server = await startGatehouse({ base: env.base, sharedNatsUrl: env.natsUrl, namespace: env.ns, database: request.database, logLevel: env.logLevel, gateways: GATEWAYS });
    return { how: 'gatehouse start', readyMs: performance.now() - started, endpoints: [...server.endpoints], processes: () => server.processes().filter(({ role }) => role !== 'nats'), stop: () => server.stop() };
  } catch (error) {
    if (!(error instanceof ServerStartError)) throw error;
    // The lines that say what failed; the launcher's other notes name this machine's paths.
    const launcherFailure = error.message.split('\n').filter((line) => /ready|exited/.test(line)).slice(0, 4).join(' | ').slice(0, 600);
    log(`gatehouse start did not serve (${launcherFailure}); forking the services with a ${request.readyTimeoutMs / 1000} s bound instead`);
    return { ...(await forkStack(request)), launcherFailure };
  }
}

async function forkStack({ env, readyTimeoutMs }: StackRequest): Promise<SeededStack> {
  const started = performance.now();
  const running: ServiceProcess[] = [];
  const stop = async () => {
    // Gateways first, as the launcher stops them.
    for (const proc of running.reverse()) await proc.stop();
  };
  const launch = async (name: string, service: Parameters<typeof serviceEnv>[1], replica = 0) => {
    const proc = forkService(name, service, serviceEnv(env, service, replica));
    running.push(proc);
    const outcome = await Promise.race([proc.ready.then(() => 'ready'), proc.exited.then((code) => `exited (${code})`), bound(readyTimeoutMs).then(() => 'not-ready')]);
    if (outcome !== 'ready') throw new ServerStartError(`${name} ${outcome === 'not-ready' ? `not ready within ${readyTimeoutMs / 1000} s` : outcome}: ${proc.tail().slice(-600)}`);
  };
  try {
    await Promise.all((['token', 'projections', 'roster-sync', 'client-registry'] as const).map((service) => launch(service, service)));
    await Promise.all(Array.from({ length: GATEWAYS }, (_, i) => launch(`gateway-${i}`, 'gateway', i)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    how: 'forked by the bench',
    readyMs: performance.now() - started,
    endpoints: Array.from({ length: GATEWAYS }, (_, i) => ({ host: '127.0.0.1', port: gatewayTlsPort(env.base, i), domain: DOMAIN })),
    processes: () => running.flatMap((proc) => descendants(proc.pid).map((pid) => ({ pid, role: proc.name }))),
    stop,
  };
}
