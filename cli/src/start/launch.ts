import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveDatabase, type ResolvedDatabase } from '@gatehouse/db';
import { ensureCertificate } from '@gatehouse/gateway';
import { planNats } from './nats.ts';
import type { GatewayPlan } from './ports.ts';
import { formatReadyLine, portsFromReady } from './ready-line.ts';
import { forkService, serviceEntry, spawnNats } from './services.ts';
import type { Stack } from './stack.ts';
import type { Slot } from './supervisor.ts';
import type { StartEnv } from './start-env.ts';

/** From the first fork to the last `ready`: what `npm start` promises a user. */
export const READY_TIMEOUT_MS = 30_000;

export interface LaunchOptions {
  env: StartEnv;
  gateways: GatewayPlan[];
  stack: Stack;
  /** Progress for a person, one line each. */
  note: (message: string) => void;
  /** Aborted on SIGINT/SIGTERM: nothing more is started after that. */
  signal: AbortSignal;
}

/** Brings the stack up into `stack` and returns the ready line; throws when any part fails to start. */
export async function launch({ env, gateways, stack, note, signal }: LaunchOptions): Promise<string> {
  const logDir = join(env.dataDir, 'logs');
  await mkdir(logDir, { recursive: true });

  const nats = await planNats({ url: env.natsUrl, dataDir: env.dataDir });
  if (nats.kind === 'spawn') {
    note(`nothing answers at ${nats.url}: starting ${nats.binary} (JetStream data in ${nats.storeDir})`);
    const started = spawnNats(nats, logDir);
    stack.nats = { process: started.process, restart: () => spawnNats(nats, logDir, undefined, { appendLog: true }) };
    await started.ready;
  }
  const database = await resolveDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, logger: { info: (_, message) => note(message) } });
  const tls = env.tls ?? (await ensureCertificate({ dir: join(env.dataDir, 'tls'), domain: env.domain }));
  if ('generated' in tls && tls.generated) note(`generated a self-signed certificate for ${env.domain}: ${tls.certFile}`);
  signal.throwIfAborted();

  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    NATS_URL: env.natsUrl,
    GATEHOUSE_DATA_DIR: env.dataDir,
    TLS_CERT_FILE: tls.certFile,
    TLS_KEY_FILE: tls.keyFile,
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const start = (slots: Slot[], name: string, service: string, env: NodeJS.ProcessEnv) => {
    const first = forkService(name, serviceEntry(service), env, logDir, deadline);
    const restart = () => forkService(name, serviceEntry(service), env, logDir, Date.now() + READY_TIMEOUT_MS, { appendLog: true });
    slots.push({ process: first.process, restart });
    return first.ready;
  };
  await Promise.all([
    start(stack.services, 'token', 'token', shared),
    start(stack.services, 'projections', 'projections', { ...shared, ...databaseEnv(database) }),
    start(stack.services, 'roster-sync', 'roster-sync', shared),
    start(stack.services, 'client-registry', 'client-registry', shared),
  ]);
  signal.throwIfAborted();

  const replicas = gateways.map((plan) => {
    const portsEnv = { GATEWAY_REPLICA_ID: plan.replica, C2S_PORT: `${plan.c2s}`, C2S_TLS_PORT: `${plan.c2sTls}`, HTTP_PORT: `${plan.http}`, ADMIN_HTTP_PORT: `${plan.admin}` };
    return start(stack.gateways, `gateway-${plan.replica}`, 'gateway', { ...shared, ...portsEnv }).then((ready) => portsFromReady(plan, ready));
  });
  const serving = await Promise.all(replicas);
  return formatReadyLine({ domain: env.domain, gateways: serving, natsUrl: env.natsUrl, natsStarted: stack.nats !== undefined, database, logDir, httpTls: env.httpTls });
}

/**
 * The launcher resolves the database once and hands the answer down, so the projections
 * process never probes again and cannot choose differently: a server as DATABASE_URL, an
 * embedded one as GATEHOUSE_PGLITE_DIR (and then no DATABASE_URL at all).
 */
function databaseEnv(database: ResolvedDatabase): NodeJS.ProcessEnv {
  return database.kind === 'postgres'
    ? { DATABASE_URL: database.url, GATEHOUSE_PGLITE_DIR: undefined }
    : { DATABASE_URL: undefined, GATEHOUSE_PGLITE_DIR: database.dir };
}
