/**
 * `npm run bench`: Gatehouse side by side with Prosody 13 (when installed), loopback
 * only, bounded in time. Prints each figure's medians and ratios and writes
 * bench/results/<date>.json; `npm run bench:report` turns that into docs/performance.md.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, versions } from './machine.ts';
import { parseOptions, usage, UsageError, type BenchOptions } from './options.ts';
import { formatSummary } from './print.ts';
import { writeResults, type BenchResults } from './results.ts';
import { runRounds } from './run.ts';
import { startGatehouse } from './servers/gatehouse.ts';
import { PROSODY_INSTALL_HINT, detectProsody, type ProsodyInstall } from './servers/prosody-detect.ts';
import { prosodyConfig } from './servers/prosody-config.ts';
import { startProsody } from './servers/prosody.ts';
import { portPlan, type BenchServer, type ServerName } from './servers/server.ts';
import { summarize } from './summary.ts';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function fdBudget(options: BenchOptions): void {
  const limit = machineInfo().openFilesLimit;
  const needed = Math.max(...options.sessions) + 1_000;
  if (options.figures.has(3) && needed > limit) {
    throw new UsageError(`figure 3 holds ${Math.max(...options.sessions)} sockets but this process may open ${limit} files: raise ulimit -n (npm run bench raises it to the hard limit) or lower --sessions`);
  }
}

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(argv, join(benchDir, 'results'));
    fdBudget(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (options.cpuProfDir) await mkdir(options.cpuProfDir, { recursive: true });
  const prosody: ProsodyInstall | undefined = options.servers === 'auto' ? detectProsody() : undefined;
  if (!prosody && options.servers === 'auto') process.stderr.write(`${PROSODY_INSTALL_HINT}\n\n`);
  const servers: ServerName[] = prosody ? ['prosody', 'gatehouse'] : ['gatehouse'];
  const ports = portPlan(options.portBase);

  const active = new Set<BenchServer>();
  // Whatever ends the bench early, the servers it started go with it.
  const abort = (why: string, code: number) => {
    log(`${why}: stopping the servers`);
    void Promise.all([...active].map((server) => server.stop())).finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  process.once('uncaughtException', (error) => abort(`crashed: ${error.stack ?? error.message}`, 1));
  process.once('unhandledRejection', (reason) => abort(`crashed: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`, 1));

  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const rounds = await runRounds(options, {
    servers,
    log,
    async start(name) {
      log(`starting ${name}`);
      const server =
        name === 'prosody'
          ? await startProsody(prosody!, ports.prosodyTls, options.logLevel)
          : await startGatehouse({
              base: ports.gatehouseBase,
              natsPort: options.sharedNatsUrl ? undefined : ports.nats,
              sharedNatsUrl: options.sharedNatsUrl,
              logLevel: options.logLevel,
              cpuProfDir: options.cpuProfDir,
            });
      active.add(server);
      const stop = server.stop;
      return { ...server, stop: async () => (active.delete(server), stop()) };
    },
  });

  const summary = summarize(rounds, options.sessions);
  const results: BenchResults = {
    schema: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: ['npm run bench --', ...argv].join(' '),
    machine,
    versions: await versions(prosody?.version),
    settings: {
      rounds: options.rounds,
      durationS: options.durationMs / 1000,
      sessionLevels: options.sessions,
      bigRounds: options.bigRounds,
      listClients: options.listClients,
      figures: [...options.figures].sort(),
      gatehouseGateways: 2,
      nats: options.sharedNatsUrl ? `shared ${options.sharedNatsUrl}` : 'private nats-server started by gatehouse start',
      logLevel: options.logLevel,
      ...(prosody ? { prosodyConfig: prosodyConfig({ dir: '<tmp>', dataDir: '<tmp>/data', tlsPort: ports.prosodyTls, certFile: '<tmp>/localhost.crt', keyFile: '<tmp>/localhost.key', logLevel: options.logLevel }) } : {}),
    },
    ...(prosody ? {} : { prosodyMissing: options.servers === 'auto' ? 'Prosody 13 with prosody-modules is not installed' : '--gatehouse-only' }),
    rounds,
    summary,
  };
  process.stdout.write(`\n${formatSummary(summary, prosody !== undefined)}\n`);
  if (options.outDir) log(`results: ${await writeResults(options.outDir, results)}`);
  const failed = rounds.flatMap((round) => Object.values(round.servers).flatMap((server) => Object.keys(server?.errors ?? {})));
  if (failed.length > 0) log(`figures that failed (see the results file): ${[...new Set(failed)].join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
