/**
 * The generated part of docs/performance.md, between BEGIN/END markers: everything in
 * it comes from one results file. Text outside the markers (the analysis) is kept.
 */
import type { BenchResults } from '../results.ts';
import type { FigureResults, ServerRound } from '../run.ts';
import type { ServerName } from '../servers/server.ts';
import { median, round } from '../stats.ts';

export const BEGIN = '<!-- BEGIN GENERATED: npm run bench:report; edit bench/src/report, not this block -->';
export const END = '<!-- END GENERATED -->';

/** Three significant digits or so: 0.0955, 3.19, 141.6, 9113. */
function format(value: number): string {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return String(round(value, digits));
}

/** Free text (error messages, reasons) may hold XML: shown as text, not as HTML. */
const text = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const cell = (value: number | null | undefined, unit = '') => (value === null || value === undefined || !Number.isFinite(value) ? '–' : `${format(value)}${unit}`);

function summaryTable(results: BenchResults, withProsody: boolean): string[] {
  const head = withProsody ? '| fig | metric | Gatehouse | Prosody | ratio G/P | target | met |' : '| fig | metric | Gatehouse | target | met |';
  const rule = withProsody ? '|---|---|---|---|---|---|---|' : '|---|---|---|---|---|';
  const rows = results.summary.map((m) => {
    const met = m.met === null ? '' : m.met ? 'yes' : '**no**';
    const unit = ` ${m.unit}`;
    const cells = withProsody ? [cell(m.gatehouse, unit), cell(m.prosody, unit), cell(m.ratio, '×')] : [cell(m.gatehouse, unit)];
    return `| ${m.figure} | ${m.label} | ${cells.join(' | ')} | ${m.target ?? ''} | ${met} |`;
  });
  return [head, rule, ...rows];
}

/** Median over rounds of each process role's share of a per-operation CPU figure. */
function roleTable(results: BenchResults, server: ServerName): string[] {
  const sources: [string, (f: Partial<FigureResults>) => Record<string, number> | undefined][] = [
    ['1. password login', (f) => f.logins?.byRoleMsPerLogin],
    ['2. FAST login', (f) => f.fast?.byRoleMsPerLogin],
    ['4. stanza', (f) => f.messages?.byRoleMsPerStanza],
  ];
  const perFigure = sources.map(([label, get]) => {
    const rounds = results.rounds.map((r) => r.servers[server]).filter((s): s is ServerRound => s !== undefined).map((s) => get(s.figures)).filter((x) => x !== undefined);
    const roles = [...new Set(rounds.flatMap((r) => Object.keys(r)))];
    return { label, values: Object.fromEntries(roles.map((role) => [role, round(median(rounds.map((r) => r[role] ?? 0)), 3)])) };
  });
  const roles = [...new Set(perFigure.flatMap((f) => Object.keys(f.values)))].sort();
  if (roles.length === 0) return [];
  return [
    `| server CPU (ms) per | ${roles.join(' | ')} |`,
    `|---|${roles.map(() => '---').join('|')}|`,
    ...perFigure.map((f) => `| ${f.label} | ${roles.map((role) => cell(f.values[role])).join(' | ')} |`),
  ];
}

function roundTable(results: BenchResults): string[] {
  const lines = ['| round | server | logins/s | CPU/login | FAST/s | CPU/FAST | kB/idle session (marginal after the first level) | msg p50 / p99 | stanzas/s | CPU/stanza | revoke p50 / p99 | lag p99 | list p99 |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of results.rounds) {
    for (const [name, server] of Object.entries(r.servers) as [ServerName, ServerRound][]) {
      const f = server.figures;
      const memory = f.memory?.levels.map((level) => `${cell(level.marginalKbPerSession ?? level.kbPerSession)} @${level.sessions}`).join(', ');
      lines.push(
        `| ${r.round} | ${name} | ${cell(f.logins?.loginsPerS)} | ${cell(f.logins?.serverCpuMsPerLogin)} | ${cell(f.fast?.loginsPerS)} | ${cell(f.fast?.serverCpuMsPerLogin)} | ${memory || '–'} | ${cell(f.messages?.latency.p50Ms)} / ${cell(f.messages?.latency.p99Ms)} | ${cell(f.messages?.stanzasPerS)} | ${cell(f.messages?.serverCpuMsPerStanza)} | ${cell(f.revoke?.latency.p50Ms)} / ${cell(f.revoke?.latency.p99Ms)} | ${cell(f.listing?.lag.p99Ms)} | ${cell(f.listing?.list.p99Ms)} |`,
      );
    }
  }
  return lines;
}

function clientSide(results: BenchResults): string[] {
  const fast = results.rounds.flatMap((r) => Object.entries(r.servers).map(([name, s]) => [name, s?.figures.fast] as const)).filter(([, f]) => f);
  if (fast.length === 0) return [];
  const byServer = (name: string, get: (f: NonNullable<FigureResults['fast']>) => number | undefined) =>
    cell(round(median(fast.filter(([n]) => n === name).map(([, f]) => get(f!)).filter((v): v is number => v !== undefined))));
  const lines = ['| client side (median of rounds) | against Gatehouse | against Prosody |', '|---|---|---|'];
  lines.push(`| client CPU per password login, SCRAM keys cached (ms) | ${byServer('gatehouse', (f) => f.clientSaving.passwordClientCpuMsPerLogin)} | ${byServer('prosody', (f) => f.clientSaving.passwordClientCpuMsPerLogin)} |`);
  lines.push(`| client CPU per FAST login (ms) | ${byServer('gatehouse', (f) => f.clientCpuMsPerLogin)} | ${byServer('prosody', (f) => f.clientCpuMsPerLogin)} |`);
  lines.push(`| PBKDF2-SHA-256 × 4096 a client without cached keys adds per password login (ms, native crypto) | ${byServer('gatehouse', (f) => f.clientSaving.pbkdf2Ms)} | ${byServer('prosody', (f) => f.clientSaving.pbkdf2Ms)} |`);
  lines.push(`| login time, one at a time, p50: password / FAST (ms) | ${byServer('gatehouse', (f) => f.clientSaving.passwordP50Ms)} / ${byServer('gatehouse', (f) => f.clientSaving.fastP50Ms)} | ${byServer('prosody', (f) => f.clientSaving.passwordP50Ms)} / ${byServer('prosody', (f) => f.clientSaving.fastP50Ms)} |`);
  lines.push(`| login time saved by FAST, p50 (ms; one round trip fewer) | ${byServer('gatehouse', (f) => f.clientSaving.latencyP50SavedMs)} | ${byServer('prosody', (f) => f.clientSaving.latencyP50SavedMs)} |`);
  return lines;
}

function notes(results: BenchResults): string[] {
  const lines: string[] = [];
  if (results.prosodyMissing) lines.push(`- Prosody did not run: ${results.prosodyMissing}.`);
  const seen = new Set<string>();
  for (const r of results.rounds) {
    for (const [name, server] of Object.entries(r.servers) as [ServerName, ServerRound][]) {
      for (const [figure, why] of Object.entries(server.skipped)) seen.add(`- ${figure} not run on ${name}: ${text(why)}.`);
      for (const [figure, error] of Object.entries(server.errors)) lines.push(`- round ${r.round}, ${name}, ${figure} failed: ${text(error.split('\n')[0]!)}`);
      if (server.figures.memory?.note) lines.push(`- round ${r.round}, ${name}, memory: ${text(server.figures.memory.note)}`);
    }
  }
  return [...seen, ...lines];
}

/**
 * Each metric of an earlier run beside this one. Absolute figures of two runs are of two
 * different machines' minutes; the ratio to Prosody, measured in the same rounds, is what
 * compares.
 */
export function beforeAfterTable(before: BenchResults, after: BenchResults): string[] {
  const earlier = new Map(before.summary.map((metric) => [metric.key, metric]));
  const rows = after.summary.flatMap((metric) => {
    const old = earlier.get(metric.key);
    if (!old) return [];
    const unit = ` ${metric.unit}`;
    return [`| ${metric.figure} | ${metric.label} | ${cell(old.gatehouse, unit)} | ${cell(metric.gatehouse, unit)} | ${cell(old.ratio, '×')} | ${cell(metric.ratio, '×')} |`];
  });
  return [
    `| fig | metric | Gatehouse ${before.startedAt.slice(0, 10)} | Gatehouse ${after.startedAt.slice(0, 10)} | G/P before | G/P after |`,
    '|---|---|---|---|---|---|',
    ...rows,
  ];
}

export interface EarlierRun {
  results: BenchResults;
  path: string;
}

export function generatedSection(results: BenchResults, resultsPath: string, chartFile: string, before?: EarlierRun): string {
  const withProsody = results.rounds.some((r) => r.servers.prosody !== undefined);
  const m = results.machine;
  const v = results.versions;
  const s = results.settings;
  const extraNotes = notes(results);
  return [
    BEGIN,
    `## Results of ${results.startedAt.slice(0, 10)}`,
    '',
    `From \`${resultsPath}\`: \`${results.command}\`, ${s.rounds} round(s), each ${withProsody ? 'Prosody then Gatehouse' : 'Gatehouse alone'}, ${s.durationS} s per timed load phase, ${s.gatehouseGateways} gateway replicas, NATS: ${s.nats}, server log level ${s.logLevel}.`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryMb} MB, Linux ${m.kernel}, load average at start ${m.loadAverageAtStart.join(' / ')}. Versions: Gatehouse ${v.gatehouse}, Node ${v.node} (OpenSSL ${v.openssl}), nats-server ${v.natsServer}, PostgreSQL ${v.postgres}${v.prosody ? `, Prosody ${v.prosody}` : ''}.`,
    '',
    ...summaryTable(results, withProsody),
    '',
    ...(withProsody ? [`![Gatehouse ÷ Prosody per metric](${chartFile})`, ''] : []),
    ...(before
      ? [`### Before and after the fixes below (\`${before.path}\` → this run)`, '', ...beforeAfterTable(before.results, results), '']
      : []),
    '### Where Gatehouse spends its server CPU (median of rounds, by process)',
    '',
    ...roleTable(results, 'gatehouse'),
    '',
    '### What FAST saves the client (figure 2)',
    '',
    ...clientSide(results),
    '',
    '### Every round',
    '',
    ...roundTable(results),
    '',
    ...(extraNotes.length ? ['### Not measured, or not in full', '', ...extraNotes, ''] : []),
    END,
  ].join('\n');
}
