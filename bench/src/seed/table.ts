/** The printed summary of a seed run: what was written, each service's starts, the stack's figures. */
import type { SeedResults } from './results.ts';
import type { StartFigure } from './service-start.ts';

const mb = (kb: number) => (kb > 0 ? `${Math.round(kb / 1024)} MB` : '–');
const seconds = (ms: number | null | undefined) => (ms === undefined ? '–' : ms === null ? 'not quiet' : `${(ms / 1000).toFixed(1)} s`);
const count = (n: number) => n.toLocaleString('en');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function startRow(figure: StartFigure): string[] {
  const ready = figure.outcome === 'ready' ? seconds(figure.readyMs) : figure.outcome === 'not-ready' ? 'NOT READY' : 'EXITED';
  return [figure.service, figure.data, figure.start, ready, seconds(figure.cpuMs), seconds(figure.quietAfterMs), mb(figure.rssKb), mb(figure.peakRssKb)];
}

export function formatSeedReport(results: SeedResults): string {
  const parts: string[] = [];
  if (results.seed) {
    parts.push(
      table(
        ['seeded', 'items', 'events', 'time', 'events/s'],
        results.seed.kinds.map((k) => [k.kind, count(k.items), count(k.events), `${k.seconds} s`, count(k.eventsPerS)]),
      ),
      table(['stream', 'messages', 'size'], results.seed.streams.filter((s) => s.messages > 0).map((s) => [s.stream, count(s.messages), `${(s.bytes / 2 ** 20).toFixed(1)} MB`])),
    );
  }
  if (results.services.length > 0) {
    parts.push(table(['service', 'data', 'start', 'ready', 'CPU to ready', 'then quiet', 'RSS idle', 'peak RSS'], results.services.map(startRow)));
  }
  const stack = results.stack;
  if (stack) {
    const rows: string[][] = [];
    const latency = (label: string, l: { count: number; p50Ms: number; p99Ms: number; maxMs: number } | undefined) => {
      if (l) rows.push([label, `${l.count}`, `${l.p50Ms.toFixed(1)} ms`, `${l.p99Ms.toFixed(1)} ms`, `${l.maxMs.toFixed(1)} ms`]);
    };
    latency('first login, cold account', stack.figures?.coldLogin);
    latency('login, roster owner', stack.figures?.rosterOwnerLogin);
    latency('roster get, cold', stack.figures?.rosterCold);
    latency('roster get, warm', stack.figures?.rosterWarm);
    const launcher = stack.launcherFailure ? `\ngatehouse start did not serve: ${stack.launcherFailure}` : '';
    parts.push(`whole stack on the seed (${stack.how}): ready in ${seconds(stack.readyMs)}, quiet ${seconds(stack.quietAfterMs)} later${launcher}`);
    if (rows.length > 0) parts.push(table(['one at a time', 'n', 'p50', 'p99', 'max'], rows));
  }
  for (const [phase, error] of Object.entries(results.errors)) parts.push(`${phase} FAILED: ${error}`);
  return parts.join('\n\n');
}
