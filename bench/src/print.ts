import type { MetricSummary } from './summary.ts';

const show = (value: number | null, unit = '') => (value === null ? '–' : `${value}${unit ? ` ${unit}` : ''}`);

export function formatSummary(summary: readonly MetricSummary[], withProsody: boolean): string {
  const header = ['fig', 'metric', 'Gatehouse', ...(withProsody ? ['Prosody', 'ratio G/P'] : []), 'target', 'met'];
  const rows = summary.filter((m) => m.gatehouse !== null || m.prosody !== null).map((m) => [
    String(m.figure),
    m.label,
    show(m.gatehouse, m.unit),
    ...(withProsody ? [show(m.prosody, m.unit), m.ratio === null ? '–' : `${m.ratio}×`] : []),
    m.target ?? '',
    m.met === null ? '' : m.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
