/**
 * Loaded into every Node process of a Gatehouse stack the bench profiles
 * (`npm run bench -- --cpu-prof <dir>`), through NODE_OPTIONS=--import, because Node 20
 * refuses --cpu-prof there and `gatehouse start` forks its services with its own
 * execArgv. Plain JavaScript: it loads before tsx does.
 *
 * SIGUSR2 starts the V8 sampling profiler; the next SIGUSR2 stops it and writes
 * `<dir>/<service>-<pid>-<n>.cpuprofile`, so a profile covers one measured load phase
 * and not the start-up (transpiling, connecting) around it.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.GATEHOUSE_BENCH_PROFILE_DIR;
if (dir) {
  const service = /services\/([a-z-]+)\/src\/main\.ts/.exec(process.argv[1] ?? '')?.[1] ?? 'launcher';
  const label = process.env.GATEWAY_REPLICA_ID && service === 'gateway' ? `gateway-${process.env.GATEWAY_REPLICA_ID}` : service;
  const session = new Session();
  session.connect();
  let running = false;
  let count = 0;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) return process.stderr.write(`cpu profile of ${label} failed: ${error.message}\n`);
      writeFileSync(join(dir, `${label}-${process.pid}-${++count}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
