/**
 * The ratio chart of docs/performance.md: one bar per metric measured on both servers,
 * Gatehouse ÷ Prosody on a log scale around 1, green where the ratio favours Gatehouse
 * (more logins, less CPU...) and red where it favours Prosody. Hand-written SVG: no
 * charting dependency for one picture.
 */
import type { MetricSummary } from '../summary.ts';

const WIDTH = 820;
const LABEL_WIDTH = 300;
const ROW = 24;
const TOP = 56;
const MIN_RATIO = 1 / 16;
const MAX_RATIO = 16;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function ratioChart(summary: readonly MetricSummary[], title: string): string {
  const rows = summary.filter((metric) => metric.ratio !== null && metric.ratio > 0);
  const plotLeft = LABEL_WIDTH + 10;
  const plotWidth = WIDTH - plotLeft - 70;
  const x = (ratio: number) => {
    const clamped = Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio));
    return plotLeft + ((Math.log2(clamped) - Math.log2(MIN_RATIO)) / (Math.log2(MAX_RATIO) - Math.log2(MIN_RATIO))) * plotWidth;
  };
  const height = TOP + Math.max(1, rows.length) * ROW + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<text x="10" y="38" fill="#555">Gatehouse ÷ Prosody, median of per-round ratios (log scale). Green: better for Gatehouse; red: better for Prosody.</text>`,
  ];
  for (const tick of [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8, 16]) {
    const tx = x(tick).toFixed(1);
    const label = tick < 1 ? `1/${1 / tick}` : `${tick}`;
    parts.push(`<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - 30}" stroke="${tick === 1 ? '#000' : '#ddd'}"/>`);
    parts.push(`<text x="${tx}" y="${height - 14}" text-anchor="middle" fill="#555">${label}×</text>`);
  }
  if (rows.length === 0) parts.push(`<text x="${plotLeft}" y="${TOP + 16}" fill="#555">No metric was measured on both servers.</text>`);
  rows.forEach((metric, i) => {
    const ratio = metric.ratio!;
    const y = TOP + i * ROW;
    const favoursGatehouse = metric.better === 'higher' ? ratio >= 1 : ratio <= 1;
    const from = Math.min(x(1), x(ratio));
    const width = Math.max(1, Math.abs(x(ratio) - x(1)));
    parts.push(`<text x="${LABEL_WIDTH}" y="${y + 15}" text-anchor="end">${escape(`${metric.figure}. ${metric.label}`)}</text>`);
    parts.push(`<rect x="${from.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="${ROW - 8}" fill="${favoursGatehouse ? '#2e8b57' : '#c0392b'}"/>`);
    parts.push(`<text x="${WIDTH - 10}" y="${y + 15}" text-anchor="end">${Number(ratio.toPrecision(3))}×</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
