import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { booleanFromEnv } from '@gatehouse/config';
import { resolveDatabase, type ResolvedDatabase } from '@gatehouse/db';
import { ensureCertificate } from '@gatehouse/gateway';
import { planNats } from './nats.ts';
import type { GatewayPlan } from './ports.ts';
import { formatReadyLine, portsFromReady } from './ready-line.ts';
import { forkService, serviceEntry, spawnNats } from './services.ts';
import type { Stack } from './stack.ts';
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
    stack.nats = started.process;
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
  const token = forkService('token', serviceEntry('token'), shared, logDir, deadline);
  const projections = forkService('projections', serviceEntry('projections'), { ...shared, ...databaseEnv(database) }, logDir, deadline);
  const rosterSync = forkService('roster-sync', serviceEntry('roster-sync'), shared, logDir, deadline);
  const clientRegistry = forkService('client-registry', serviceEntry('client-registry'), shared, logDir, deadline);
  stack.services.push(token.process, projections.process, rosterSync.process, clientRegistry.process);
  await Promise.all([token.ready, projections.ready, rosterSync.ready, clientRegistry.ready]);
  signal.throwIfAborted();

  const replicas = gateways.map((plan) => {
    const portsEnv = { GATEWAY_REPLICA_ID: plan.replica, C2S_PORT: `${plan.c2s}`, C2S_TLS_PORT: `${plan.c2sTls}`, HTTP_PORT: `${plan.http}`, ADMIN_HTTP_PORT: `${plan.admin}` };
    const gateway = forkService(`gateway-${plan.replica}`, serviceEntry('gateway'), { ...shared, ...portsEnv }, logDir, deadline);
    stack.gateways.push(gateway.process);
    return gateway.ready.then((ready) => portsFromReady(plan, ready));
  });
  const serving = await Promise.all(replicas);
  const httpTls = booleanFromEnv(true).parse(process.env.HTTP_TLS);
  return formatReadyLine({ domain: env.domain, gateways: serving, natsUrl: env.natsUrl, natsStarted: stack.nats !== undefined, database, logDir, httpTls });
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
