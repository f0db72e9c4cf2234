/**
 * Keeps the bench working: one short round of every figure (about a second of load
 * each, small session counts) against real servers on loopback, then the report from
 * its results. No timing is asserted: this machine's speed is not a test outcome.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { BenchResults } from './results.ts';
import type { ServerRound } from './run.ts';
import { BEGIN, END } from './report/markdown.ts';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const RUN_TIMEOUT_MS = 6 * 60_000;

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', ...args], { cwd: benchDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const work = await mkdtemp(join(tmpdir(), 'gatehouse-bench-smoke-'));
after(() => rm(work, { recursive: true, force: true }));

function assertMainFigures(server: ServerRound, name: string): void {
  assert.deepEqual(server.errors, {}, `${name} figures failed`);
  const f = server.figures;
  assert.ok(f.logins && f.logins.logins > 0, `${name}: password logins`);
  assert.ok(f.logins.serverCpuMsPerLogin >= 0);
  assert.ok(f.fast && f.fast.logins > 0, `${name}: FAST logins`);
  assert.ok(f.messages && f.messages.messages > 0 && f.messages.lost === 0, `${name}: messages`);
  assert.equal(f.memory?.levels.length, 2, `${name}: both memory levels`);
  assert.deepEqual(f.memory.levels.map((level) => level.sessions), [20, 40]);
}

test('a one-round bench of every figure writes results, and the report renders them', { timeout: RUN_TIMEOUT_MS + 60_000 }, async () => {
  const portBase = 20_000 + 10 * Math.floor(Math.random() * 2_000);
  const results = join(work, 'results');
  const bench = await run(['src/main.ts', '--rounds', '1', '--duration', '1', '--sessions', '20,40', '--clients', '20', '--port-base', String(portBase), '--out', results]);
  assert.equal(bench.code, 0, bench.output);

  const [file] = await readdir(results);
  const written = JSON.parse(await readFile(join(results, file!), 'utf8')) as BenchResults;
  assert.equal(written.rounds.length, 1);
  const round = written.rounds[0]!;
  assertMainFigures(round.servers.gatehouse!, 'gatehouse');
  if (round.servers.prosody) assertMainFigures(round.servers.prosody, 'prosody');
  for (const server of Object.values(round.servers)) {
    for (const key of ['revoke', 'listing'] as const) assert.ok(server!.figures[key] !== undefined || server!.skipped[key] !== undefined, `${key}: run or said why not`);
  }
  assert.ok(written.summary.some((metric) => metric.key === 'loginsPerS' && metric.gatehouse !== null));

  const docs = join(work, 'docs');
  const report = await run(['src/report/main.ts', join(results, file!), '--docs', docs]);
  assert.equal(report.code, 0, report.output);
  const markdown = await readFile(join(docs, 'performance.md'), 'utf8');
  assert.ok(markdown.includes(BEGIN) && markdown.includes(END));
  assert.match(markdown, /\| 1 \| password logins\/s \(8 clients\) \| \d/);
  assert.match(await readFile(join(docs, 'performance-ratios.svg'), 'utf8'), /^<svg [^>]*>/);
});

test('the parser heap figure prints a size for each stage', async () => {
  const { code, output } = await run(['src/report/parser-heap.ts']);
  assert.equal(code, 0, output);
  assert.equal(output.match(/^heap per stream parser, .+: \d+\.\d\d kB$/gm)?.length, 3, output);
});
