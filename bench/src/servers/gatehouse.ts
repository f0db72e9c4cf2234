/**
 * Gatehouse as an operator runs it: `gatehouse start --gateways 2` (what `npm start`
 * does), on its own namespace, data folder and database, loopback only. By default the
 * launcher also runs a private nats-server (NATS_URL points at a free port), so the NATS
 * CPU the bench counts is this stack's alone and not other work on the shared server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { call } from '@gatehouse/bus';
import { cleanupNamespace } from '@gatehouse/testing';
import { mapLimit, sleep } from '../concurrency.ts';
import type { TrackedProcess } from '../proc/meter.ts';
import { descendants, pidsByName, readCmdline } from '../proc/proc.ts';
import { createBenchDatabase, type BenchDatabase } from './database.ts';
import { gatehouseClientHooks, type GatehouseClientHooks } from './gatehouse-clients.ts';
import { ServerStartError, type BenchServer } from './server.ts';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cliBin = join(repoRoot, 'cli', 'bin', 'gatehouse.js');
const profilerPreload = fileURLToPath(new URL('../profiler/cpu-profile-on-signal.mjs', import.meta.url));
const NOT_NODE = new Set(['nats', 'postgres', 'esbuild']);
const DOMAIN = 'localhost';
const READY_TIMEOUT_MS = 90_000;

export interface GatehouseOptions {
  base: number;
  /** A free port for the private NATS server, or undefined to use `sharedNatsUrl`. */
  natsPort?: number;
  sharedNatsUrl?: string;
  logLevel: string;
  /** Folder for `--cpu-prof` profiles of every Node process of the stack; unset: no profiling. */
  cpuProfDir?: string;
  gateways?: number;
  /** Run on this namespace's existing streams (seeded data) instead of a fresh one; they are left as found. */
  namespace?: string;
  /** Use this database (its read models) instead of a fresh one; its owner drops it. */
  database?: BenchDatabase;
}

export interface GatehouseServer extends BenchServer {
  readonly ns: string;
  readonly nc: NatsConnection;
  readonly databaseUrl: string;
}

function roleOf(pid: number): string {
  const cmd = readCmdline(pid);
  if (cmd.includes('nats-server')) return 'nats';
  // tsx's transpiler service: busy at start only, but it belongs to the stack.
  if (cmd.includes('esbuild')) return 'esbuild';
  const service = /services\/([a-z-]+)\/src\/main\.ts/.exec(cmd)?.[1];
  return service ?? 'launcher';
}

export interface StackEnvInput {
  natsUrl: string;
  ns: string;
  dataDir: string;
  databaseUrl: string;
  /** Replica 0's c2s port; its direct TLS is +1, HTTP +58, admin HTTP +59. */
  base: number;
  logLevel: string;
  cpuProfDir?: string;
}

/** The environment of every process of a bench stack: what `gatehouse start` is given, and passes on to each service. */
export function stackEnv(input: StackEnvInput): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NATS_URL: input.natsUrl,
    GATEHOUSE_NAMESPACE: input.ns,
    GATEHOUSE_DATA_DIR: input.dataDir,
    DATABASE_URL: input.databaseUrl,
    XMPP_DOMAIN: DOMAIN,
    GATEWAY_BIND_ADDRESS: '127.0.0.1',
    C2S_PORT: String(input.base),
    C2S_TLS_PORT: String(input.base + 1),
    HTTP_PORT: String(input.base + 58),
    ADMIN_HTTP_PORT: String(input.base + 59),
    // Every bench client connects from 127.0.0.1: per-address protections meant for the
    // internet would count the whole load generator as one abusive client.
    C2S_MAX_CONCURRENT_AUTH_PER_IP: '1000',
    C2S_MAX_PREAUTH_CONNECTIONS_PER_IP: '10000',
    // The memory figure holds up to 10,000 sessions over 100 accounts.
    C2S_MAX_RESOURCES_PER_ACCOUNT: '1000',
    // Figure 6 lists 1,000 clients of one account; past the default 64 the token service and
    // the registry would forget the least recently seen, and the figure would time that.
    TOKEN_MAX_CLIENTS_PER_ACCOUNT: '2000',
    CLIENT_REGISTRY_MAX_CLIENTS_PER_ACCOUNT: '2000',
    // Prosody runs here without mod_limits (prosody-config.ts), so neither server shapes its
    // input: the message figure's senders, 32 stanzas in flight each, could otherwise meet
    // the per-connection read rate on a fast machine and measure the shaper instead.
    C2S_READ_RATE_BYTES_PER_S: String(1024 ** 3),
    C2S_READ_BURST_BYTES: String(1024 ** 3),
    LOG_LEVEL: input.logLevel,
    OTEL_SDK_DISABLED: 'true',
    ...(input.cpuProfDir ? { NODE_OPTIONS: `--import ${profilerPreload}`, GATEHOUSE_BENCH_PROFILE_DIR: input.cpuProfDir } : {}),
  };
}

export async function startGatehouse(options: GatehouseOptions): Promise<GatehouseServer> {
  const gateways = options.gateways ?? 2;
  const ns = options.namespace ?? `bench${randomBytes(4).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const database = options.database ?? (await createBenchDatabase());
  const natsUrl = options.natsPort ? `nats://127.0.0.1:${options.natsPort}` : (options.sharedNatsUrl ?? 'nats://127.0.0.1:4222');
  const env = stackEnv({ natsUrl, ns, dataDir, databaseUrl: database.url, base: options.base, logLevel: options.logLevel, cpuProfDir: options.cpuProfDir });
  const launcher = spawn(process.execPath, [cliBin, 'start', '--gateways', String(gateways)], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000));
  launcher.stdout?.on('data', collect);
  launcher.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => launcher.once('exit', () => resolve()));

  let nc: NatsConnection | undefined;
  let clients: GatehouseClientHooks | undefined;
  const cleanup = async () => {
    await clients?.close();
    await stopLauncher(launcher, exited);
    if (nc && !options.natsPort && !options.namespace) await cleanupNamespace(nc, ns).catch(() => undefined);
    await nc?.close().catch(() => undefined);
    if (!options.database) await database.drop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForReady(launcher, () => output);
    nc = await connect({ servers: natsUrl, name: 'gatehouse-bench' });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const bus = nc;
  clients = gatehouseClientHooks(bus, ns, database.url);
  const sharedNats = options.natsPort ? [] : pidsByName('nats-server');
  const tracked = (): TrackedProcess[] => {
    if (launcher.pid === undefined) return [];
    const own = descendants(launcher.pid).map((pid) => ({ pid, role: roleOf(pid) }));
    const postgres = pidsByName('postgres')
      .filter((pid) => readCmdline(pid).includes(` ${database.name} `))
      .map((pid) => ({ pid, role: 'postgres' }));
    return [...own, ...sharedNats.map((pid) => ({ pid, role: 'nats' })), ...postgres];
  };

  return {
    name: 'gatehouse',
    ns,
    nc: bus,
    databaseUrl: database.url,
    endpoints: Array.from({ length: gateways }, (_, i) => ({ host: '127.0.0.1', port: options.base + 1 + 100 * i, domain: DOMAIN })),
    processes: tracked,
    clientManagement: clients,
    async createAccounts(accounts) {
      await mapLimit(accounts, 16, (account) => call(bus, ns, 'token.account.create', { jid: `${account.user}@${DOMAIN}`, password: account.password }, { timeoutMs: 30_000 }));
    },
    ...(options.cpuProfDir ? { profile: profiler(options.cpuProfDir, tracked) } : {}),
    stop: cleanup,
  };
}

/** Signals the preloaded profilers (see cpu-profile-on-signal.mjs); on stop, waits for their files and names them after the figure. */
function profiler(dir: string, tracked: () => TrackedProcess[]): NonNullable<BenchServer['profile']> {
  return async (action, label) => {
    const before = new Set(await readdir(dir));
    const node = tracked().filter(({ role }) => !NOT_NODE.has(role));
    for (const { pid } of node) process.kill(pid, 'SIGUSR2');
    if (action === 'start') return;
    const deadline = Date.now() + 10_000;
    let written: string[] = [];
    while (Date.now() < deadline) {
      written = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile') && !before.has(name));
      if (written.length >= node.length) break;
      await sleep(100);
    }
    await Promise.all(written.map((name) => rename(join(dir, name), join(dir, `${label}-${name}`))));
  };
}

function waitForReady(launcher: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new ServerStartError(`gatehouse start not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`)), READY_TIMEOUT_MS);
    const onData = () => {
      if (!output().includes('Gatehouse ready')) return;
      clearTimeout(timer);
      launcher.stdout?.off('data', onData);
      resolve();
    };
    launcher.stdout?.on('data', onData);
    launcher.once('exit', (code) => {
      clearTimeout(timer);
      reject(new ServerStartError(`gatehouse start exited (${code}) before it was ready:\n${output()}`));
    });
  });
}

/**
 * SIGTERM lets the launcher stop gateways, services and its NATS in order (and lets the
 * profilers write). Whatever of the stack outlives it (or it, after 30 s) is killed, so
 * no bench leaves a server holding its ports.
 */
async function stopLauncher(launcher: ChildProcess, exited: Promise<void>): Promise<void> {
  if (launcher.exitCode !== null || launcher.signalCode !== null) return;
  const stack = launcher.pid === undefined ? [] : descendants(launcher.pid).map((pid) => ({ pid, cmdline: readCmdline(pid) }));
  launcher.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000)]);
  await sleep(stack.some(({ pid }) => readCmdline(pid) !== '') ? 2_000 : 0);
  for (const { pid, cmdline } of stack) {
    // The same command line: the pid was not reused by something else meanwhile.
    if (cmdline !== '' && readCmdline(pid) === cmdline) process.kill(pid, 'SIGKILL');
  }
  await exited;
}
