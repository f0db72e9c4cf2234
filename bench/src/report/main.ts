/**
 * `npm run bench:report [-- <results.json>] [--docs <dir>] [--before <earlier.json>]`:
 * regenerates the results block of docs/performance.md and docs/performance-ratios.svg
 * from a results file (by default the newest in bench/results), with a before/after table
 * when an earlier run is named. The text around the block is left as it is.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readResults } from '../results.ts';
import { BEGIN, END, generatedSection } from './markdown.ts';
import { ratioChart } from './svg.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const CHART = 'performance-ratios.svg';

const SKELETON = `# Performance: Gatehouse side by side with Prosody 13

${BEGIN}
${END}
`;

async function newestResults(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((name) => /^\d{4}-\d{2}-\d{2}(-\d+)?\.json$/.test(name));
  // Date order, and -2 after the plain file of the same day.
  files.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const newest = files.at(-1);
  if (!newest) throw new Error(`no results in ${dir}: run npm run bench first`);
  return join(dir, newest);
}

export async function writeReport(resultsFile: string, docsDir: string, beforeFile?: string): Promise<{ markdown: string; chart: string }> {
  const results = await readResults(resultsFile);
  const before = beforeFile === undefined ? undefined : { results: await readResults(beforeFile), path: relative(repoRoot, beforeFile) };
  const markdownFile = join(docsDir, 'performance.md');
  const chartFile = join(docsDir, CHART);
  await mkdir(docsDir, { recursive: true });
  const existing = await readFile(markdownFile, 'utf8').catch(() => SKELETON);
  const start = existing.indexOf(BEGIN);
  const end = existing.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${markdownFile} has no ${BEGIN} … ${END} block to regenerate`);
  const block = generatedSection(results, relative(repoRoot, resultsFile), CHART, before);
  await writeFile(markdownFile, `${existing.slice(0, start)}${block}${existing.slice(end + END.length)}`);
  await writeFile(chartFile, ratioChart(results.summary, `Gatehouse vs Prosody ${results.versions.prosody ?? ''} — ${results.startedAt.slice(0, 10)}`));
  return { markdown: markdownFile, chart: chartFile };
}

/** npm runs the script in bench/; paths on the command line are the caller's. */
const fromCaller = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { docs: { type: 'string' }, before: { type: 'string' } }, allowPositionals: true });
  const resultsFile = positionals[0] ? fromCaller(positionals[0]) : await newestResults(join(repoRoot, 'bench', 'results'));
  const beforeFile = values.before === undefined ? undefined : fromCaller(values.before);
  const written = await writeReport(resultsFile, values.docs ? fromCaller(values.docs) : join(repoRoot, 'docs'), beforeFile);
  process.stdout.write(`wrote ${written.markdown} and ${written.chart} from ${resultsFile}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
