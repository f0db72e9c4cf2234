/**
 * A real stack for end-to-end tests: the token and roster-sync services and N gateway
 * replicas as processes, on a private namespace of the shared NATS server (or a given one).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { request } from '@gatehouse/bus';
import { cleanupNamespace, createTestDatabase, natsUrl, startServiceProcess, testNamespace, type ServiceProcess } from '@gatehouse/testing';

const here = fileURLToPath(new URL('.', import.meta.url));
const gatewayMain = join(here, '..', 'main.ts');
export const tokenMain = join(here, '..', '..', '..', 'token', 'src', 'main.ts');
export const rosterSyncMain = join(here, '..', '..', '..', 'roster-sync', 'src', 'main.ts');
const clientRegistryMain = join(here, '..', '..', '..', 'client-registry', 'src', 'main.ts');
const projectionsMain = join(here, '..', '..', '..', 'projections', 'src', 'main.ts');

export interface GatewayProcess extends ServiceProcess {
  ports: { c2s: number; c2sTls: number; http: number; admin: number };
}

export interface TestStack {
  ns: string;
  nc: NatsConnection;
  natsUrl: string;
  gateways: GatewayProcess[];
  token: ServiceProcess;
  rosterSync: ServiceProcess;
  /** client-registry and projections, when started with `clients: true`. */
  clientServices: ServiceProcess[];
  /** Stops roster-sync (SIGTERM, or the signal given) and starts it again with the same environment. */
  restartRosterSync(signal?: NodeJS.Signals): Promise<void>;
  /** The environment every process of this stack got (namespace, NATS, data dir). */
  env: Record<string, string>;
  createAccount(local: string, password: string): Promise<string>;
  startGateway(index: number, extraEnv?: Record<string, string>): Promise<GatewayProcess>;
  stop(): Promise<void>;
}

export interface StackOptions {
  gateways?: number;
  env?: Record<string, string>;
  natsUrl?: string;
  /** Also run client-registry and projections (on a fresh test database): client management, and XEP-0012 last activity, which the client listing answers. */
  clients?: boolean;
}

export async function startStack(opts: StackOptions = {}): Promise<TestStack> {
  const ns = testNamespace();
  const url = opts.natsUrl ?? natsUrl();
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-gw-'));
  const nc = await connect({ servers: url });
  const baseEnv = { NATS_URL: url, GATEHOUSE_NAMESPACE: ns, GATEHOUSE_DATA_DIR: dataDir, ...opts.env };
  const token = await startServiceProcess(tokenMain, baseEnv);
  const rosterSync = await startServiceProcess(rosterSyncMain, baseEnv);
  const database = opts.clients ? await createTestDatabase() : undefined;
  const clientServices = database
    ? await Promise.all([
        startServiceProcess(clientRegistryMain, baseEnv),
        startServiceProcess(projectionsMain, { ...baseEnv, DATABASE_URL: database.url }),
      ])
    : [];
  const gateways: GatewayProcess[] = [];
  const startGateway = async (index: number, extraEnv: Record<string, string> = {}) => {
    const proc = await startServiceProcess(gatewayMain, {
      ...baseEnv,
      GATEWAY_REPLICA_ID: `gw${index}`,
      GATEWAY_BIND_ADDRESS: '127.0.0.1',
      C2S_PORT: '0',
      C2S_TLS_PORT: '0',
      HTTP_PORT: '0',
      ADMIN_HTTP_PORT: '0',
      ...extraEnv,
    });
    const gateway = { ...proc, ports: proc.ready.ports as GatewayProcess['ports'] };
    gateways[index] = gateway;
    return gateway;
  };
  for (let i = 0; i < (opts.gateways ?? 1); i++) await startGateway(i);
  const stack: TestStack = {
    ns,
    nc,
    natsUrl: url,
    gateways,
    token,
    rosterSync,
    clientServices,
    async restartRosterSync(signal) {
      await stack.rosterSync.stop(signal);
      stack.rosterSync = await startServiceProcess(rosterSyncMain, baseEnv);
    },
    env: baseEnv,
    startGateway,
    async createAccount(local, password) {
      const jid = `${local}@localhost`;
      await request(nc, `${ns}.token.account.create`, { jid, password });
      return jid;
    },
    async stop() {
      await Promise.all(gateways.map((gateway) => gateway?.stop()));
      await stack.rosterSync.stop();
      await stack.token.stop();
      await Promise.all(clientServices.map((service) => service.stop()));
      await database?.cleanup();
      await cleanupNamespace(nc, ns).catch(() => {});
      await nc.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

let counter = 0;
/** A fresh account name per test, so tests never share state. */
export function uniqueUser(prefix = 'user'): string {
  counter++;
  return `${prefix}${counter}x${Math.random().toString(36).slice(2, 8)}`;
}
