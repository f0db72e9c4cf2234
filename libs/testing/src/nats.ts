import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** A namespace no other test run uses: `t` + 10 hex digits (valid GATEHOUSE_NAMESPACE). */
export function testNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export function natsUrl(): string {
  return process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
}

/** Deletes the namespace's streams (`<NS>_*`) and KV buckets (`<ns>_*`, stored as streams `KV_<ns>_*`). */
export async function cleanupNamespace(nc: NatsConnection, ns: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const prefixes = [`${ns.toUpperCase()}_`, `KV_${ns}_`];
  const doomed: string[] = [];
  for await (const name of jsm.streams.names()) {
    if (prefixes.some((prefix) => name.startsWith(prefix))) doomed.push(name);
  }
  await Promise.all(doomed.map((name) => jsm.streams.delete(name)));
}

export interface NatsTestContext {
  nc: NatsConnection;
  ns: string;
  /** Deletes the namespace's streams and buckets, then closes the connection. */
  cleanup(): Promise<void>;
}

/** A connection to the shared test server and a fresh namespace on it. */
export async function setupNats(): Promise<NatsTestContext> {
  const nc = await connect({ servers: natsUrl(), name: 'gatehouse-test' });
  const ns = testNamespace();
  return {
    nc,
    ns,
    async cleanup() {
      try {
        await cleanupNamespace(nc, ns);
      } finally {
        await nc.close();
      }
    },
  };
}

export class NatsServerNotFoundError extends Error {
  readonly code = 'nats-server-not-found';
  constructor(binary: string) {
    super(`${binary} not found: install nats-server or set GATEHOUSE_TEST_NATS_BIN`);
    this.name = 'NatsServerNotFoundError';
  }
}

export interface PrivateNatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** SIGTERM, then wait for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and store, so JetStream data survives. */
  restart(): Promise<void>;
  /** stop() and, when startNatsServer made the store directory, remove it. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

const running = new Set<ChildProcess>();
// A test that crashes must not leave its server running past the test process.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function launch(binary: string, port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let log = '';
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() => reject(new Error(`nats-server did not start within 10 s:\n${log}`)));
    }, 10_000);
    child.once('error', (error: NodeJS.ErrnoException) =>
      settle(() => reject(error.code === 'ENOENT' ? new NatsServerNotFoundError(binary) : error)),
    );
    child.once('exit', (code) => settle(() => reject(new Error(`nats-server exited with ${code}:\n${log}`))));
    child.stderr?.on('data', (chunk: Buffer) => {
      if (settled) return;
      log += chunk.toString();
      if (log.includes('Server is ready')) settle(() => resolve(child));
    });
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(force);
}

/**
 * A private nats-server (JetStream on, 127.0.0.1 only) for fault tests that stop and
 * restart the bus. Binary: GATEHOUSE_TEST_NATS_BIN or `nats-server` on the PATH;
 * rejects with NatsServerNotFoundError when there is none, so tests can skip.
 */
export async function startNatsServer(options: { port?: number; storeDir?: string } = {}): Promise<PrivateNatsServer> {
  const binary = process.env.GATEHOUSE_TEST_NATS_BIN ?? 'nats-server';
  const port = options.port ?? (await freePort());
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), 'gatehouse-nats-')));
  let child: ChildProcess | undefined;
  try {
    child = await launch(binary, port, storeDir);
  } catch (error) {
    if (ownsStore) await rm(storeDir, { recursive: true, force: true });
    throw error;
  }
  const stop = async () => {
    if (child) await terminate(child);
    child = undefined;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    stop,
    async restart() {
      await stop();
      child = await launch(binary, port, storeDir);
    },
    async destroy() {
      await stop();
      if (ownsStore) await rm(storeDir, { recursive: true, force: true });
    },
  };
}

/**
 * A private nats-server for a fault test, or the reason to skip that test: no nats-server
 * binary here. Any other failure to start it fails the test.
 */
export async function startNatsServerOrSkip(): Promise<{ nats: PrivateNatsServer; skip?: undefined } | { nats?: undefined; skip: string }> {
  try {
    return { nats: await startNatsServer() };
  } catch (error) {
    if (error instanceof NatsServerNotFoundError) return { skip: error.message };
    throw error;
  }
}
