/**
 * `npm run bench:seed`: start time and memory of each service on "a million accounts".
 * 1. a private nats-server (loopback, its own store, removed at the end) and databases;
 * 2. the seed, written straight onto the streams through the event catalog;
 * 3. each service started alone: ready time, CPU, memory once quiet;
 * 4. the whole stack on the seed: first logins of cold accounts, roster gets cold and warm;
 * 5. the table, and bench/results/seed-<date>.json.
 * Every phase is bounded in time; a service that does not get ready is a result.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { namesFor } from '@gatehouse/events';
import { ensureCertificate } from '@gatehouse/gateway';
import { startNatsServer, type PrivateNatsServer } from '@gatehouse/testing';
import { machineInfo, versions } from '../machine.ts';
import { UsageError } from '../options.ts';
import type { TrackedProcess } from '../proc/meter.ts';
import { pidsByName, readCmdline } from '../proc/proc.ts';
import { writeNumbered } from '../results.ts';
import { createBenchDatabase, type BenchDatabase } from '../servers/database.ts';
import { coldFigures } from './cold-figures.ts';
import { seedCredentials } from './credentials.ts';
import { estimatedStoreBytes, freeBytes } from './disk.ts';
import { coldAccounts, DOMAIN, rosterSample } from './layout.ts';
import { parseSeedOptions, seedUsage, type SeedOptions } from './options.ts';
import { waitQuiet } from './quiet.ts';
import type { SeedResults } from './results.ts';
import { seedStreams, streamSizes } from './seed-streams.ts';
import type { ServiceEnvInput } from './service-env.ts';
import { measureServiceStarts } from './service-starts.ts';
import { startSeededStack } from './stack.ts';
import { formatSeedReport } from './table.ts';

const benchDir = fileURLToPath(new URL('../..', import.meta.url));
const log = (message: string) => process.stderr.write(`[seed ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const load = () => loadavg().map((value) => Math.round(value * 100) / 100);
const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`;

class NotEnoughDiskError extends Error {
  readonly code = 'not-enough-disk';
  constructor(free: number, needed: number) {
    super(`the NATS store needs about ${gb(needed)} and ${tmpdir()} has ${gb(free)} free: lower the counts or free space`);
    this.name = 'NotEnoughDiskError';
  }
}

/** Whatever was started, stopped in reverse order, also on Ctrl-C. */
class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];
  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  }
}

async function environment(cleanup: Cleanup, nats: PrivateNatsServer, ns: string, database: BenchDatabase, options: SeedOptions): Promise<ServiceEnvInput> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-seed-'));
  cleanup.add(() => rm(dataDir, { recursive: true, force: true }));
  const { certFile, keyFile } = await ensureCertificate({ dir: join(dataDir, 'tls'), domain: DOMAIN });
  return { natsUrl: nats.url, ns, dataDir, databaseUrl: database.url, base: options.portBase, logLevel: options.logLevel, tls: { certFile, keyFile } };
}

async function run(options: SeedOptions, argv: string[], cleanup: Cleanup): Promise<SeedResults> {
  const results: SeedResults = {
    schema: 1,
    kind: 'seed',
    startedAt: new Date().toISOString(),
    finishedAt: '',
    command: ['npm run bench:seed --', ...argv].join(' '),
    machine: machineInfo(),
    versions: await versions(undefined),
    settings: {
      accounts: options.accounts,
      rosters: options.rosters,
      contacts: options.contacts,
      clients: options.clients,
      logins: options.logins,
      rosterGets: options.rosterGets,
      window: options.window,
      seedTimeoutS: options.seedTimeoutMs / 1000,
      readyTimeoutS: options.readyTimeoutMs / 1000,
      idleTimeoutS: options.idleTimeoutMs / 1000,
      services: options.services,
      stack: options.stack,
      logLevel: options.logLevel,
      credentials: 'one SCRAM-SHA-1 and one SCRAM-SHA-256 credential (4096 iterations) shared by every account',
    },
    load: { start: load() },
    disk: { freeBytes: await freeBytes(tmpdir()), estimatedBytes: estimatedStoreBytes(options) },
    services: [],
    errors: {},
  };
  log(`load average ${results.load.start!.join(' / ')}; ${gb(results.disk.freeBytes)} free in ${tmpdir()}, the seed needs about ${gb(results.disk.estimatedBytes)}`);
  if (results.disk.freeBytes < 2 * results.disk.estimatedBytes) throw new NotEnoughDiskError(results.disk.freeBytes, 2 * results.disk.estimatedBytes);

  const nats = await startNatsServer({ port: options.portBase + 2 });
  cleanup.add(() => nats.destroy());
  log(`nats-server on ${nats.url}, store ${nats.storeDir}`);
  const natsPids = pidsByName('nats-server').filter((pid) => readCmdline(pid).includes(nats.storeDir));
  const [seededDb, emptyDb] = [await createBenchDatabase(), await createBenchDatabase()];
  cleanup.add(() => seededDb.drop());
  cleanup.add(() => emptyDb.drop());
  const suffix = randomBytes(4).toString('hex');
  const seeded = await environment(cleanup, nats, `seed${suffix}`, seededDb, options);
  const empty = await environment(cleanup, nats, `empty${suffix}`, emptyDb, options);
  const alsoTracked = (): TrackedProcess[] => [
    ...natsPids.map((pid) => ({ pid, role: 'nats' })),
    ...pidsByName('postgres')
      .filter((pid) => [seededDb.name, emptyDb.name].some((name) => readCmdline(pid).includes(` ${name} `)))
      .map((pid) => ({ pid, role: 'postgres' })),
  ];

  const nc: NatsConnection = await connect({ servers: nats.url, name: 'gatehouse-seed' });
  cleanup.add(() => nc.close());
  const credentials = seedCredentials();
  results.load.seed = load();
  const seedStarted = performance.now();
  // An hour back, so no seeded time (a session ends a minute after it began) is in the future.
  const ctx = { names: namesFor(seeded.ns), counts: options, credentials, time: new Date(Date.now() - 3_600_000) };
  const kinds = await seedStreams(nc, ctx, { window: options.window, deadline: seedStarted + options.seedTimeoutMs, log });
  const streams = await streamSizes(nc, seeded.ns);
  results.seed = {
    kinds,
    events: kinds.reduce((sum, kind) => sum + kind.events, 0),
    seconds: Math.round((performance.now() - seedStarted) / 100) / 10,
    streams,
  };
  log(`streams: ${streams.map((s) => `${s.stream} ${s.messages} msgs ${(s.bytes / 2 ** 20).toFixed(1)} MB`).join(', ')}`);

  if (options.services.length > 0) {
    results.load.services = load();
    try {
      results.services = await measureServiceStarts({ services: options.services, seeded, empty, readyTimeoutMs: options.readyTimeoutMs, idleTimeoutMs: options.idleTimeoutMs, alsoTracked, log });
    } catch (error) {
      results.errors.services = (error as Error).message;
    }
  }

  if (options.stack) {
    results.load.stack = load();
    try {
      const stack = await startSeededStack({ env: seeded, database: seededDb, readyTimeoutMs: options.readyTimeoutMs, log });
      cleanup.add(() => stack.stop());
      log(`stack ready in ${(stack.readyMs / 1000).toFixed(1)} s (${stack.how}); waiting for quiet`);
      const quietAfterMs = await waitQuiet(() => [...stack.processes(), ...alsoTracked()], options.idleTimeoutMs);
      results.stack = { how: stack.how, ...(stack.launcherFailure ? { launcherFailure: stack.launcherFailure } : {}), readyMs: Math.round(stack.readyMs), quietAfterMs: quietAfterMs === null ? null : Math.round(quietAfterMs) };
      const scram = credentials['SCRAM-SHA-256'];
      results.stack.figures = await coldFigures({
        endpoints: stack.endpoints,
        counts: options,
        salt: scram.salt,
        iterations: scram.iterations,
        coldAccounts: coldAccounts(options, options.logins),
        rosterOwners: rosterSample(options, options.rosterGets),
        log,
      });
    } catch (error) {
      results.errors.stack = (error as Error).message;
    }
  }
  results.load.end = load();
  results.finishedAt = new Date().toISOString();
  return results;
}

async function main(argv: string[]): Promise<number> {
  let options: SeedOptions;
  try {
    options = parseSeedOptions(argv, join(benchDir, 'results'));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench:seed: ${error.message}\n\n${seedUsage}`);
    return 2;
  }
  const cleanup = new Cleanup();
  const abort = (why: string, code: number) => {
    log(`${why}: stopping what was started`);
    void cleanup.run().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  let results: SeedResults;
  try {
    results = await run(options, argv, cleanup);
  } catch (error) {
    log(`FAILED: ${(error as Error).stack ?? (error as Error).message}`);
    return 1;
  } finally {
    await cleanup.run();
  }
  process.stdout.write(`\n${formatSeedReport(results)}\n`);
  if (options.out) {
    const file = 'file' in options.out ? options.out.file : await writeNumbered(options.out.dir, `seed-${results.startedAt.slice(0, 10)}`, results);
    if ('file' in options.out) await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`results: ${file}`);
  }
  return Object.keys(results.errors).length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
