/**
 * From rounds to the table: each metric's median per server over the rounds, and the
 * median of the per-round ratios (Gatehouse ÷ Prosody). Only ratios count on this
 * machine, whose speed drifts minute to minute; both servers of a ratio ran in the same
 * round, minutes apart at most.
 */
import type { FigureResults, RoundResult } from './run.ts';
import { median, round } from './stats.ts';

type Target = { kind: 'max'; value: number } | { kind: 'ratio-min'; value: number } | { kind: 'ratio-max'; value: number };

export interface MetricDef {
  key: string;
  figure: number;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  get(figures: Partial<FigureResults>): number | undefined;
  target?: Target;
}

/** The first level from the fresh server's baseline; later ones per session added since the previous level. */
const memoryLevel = (index: number) => (figures: Partial<FigureResults>) => {
  const level = figures.memory?.levels[index];
  if (!level || level.sessions !== level.target) return undefined;
  return index === 0 ? level.kbPerSession : level.marginalKbPerSession;
};

const count = (n: number) => n.toLocaleString('en');

export function metricDefs(sessionLevels: readonly number[]): MetricDef[] {
  return [
    { key: 'loginsPerS', figure: 1, label: 'password logins/s (8 clients)', unit: '/s', better: 'higher', get: (f) => f.logins?.loginsPerS, target: { kind: 'ratio-min', value: 2 } },
    { key: 'loginCpu', figure: 1, label: 'server CPU per password login', unit: 'ms', better: 'lower', get: (f) => f.logins?.serverCpuMsPerLogin, target: { kind: 'max', value: 1.5 } },
    { key: 'fastPerS', figure: 2, label: 'FAST logins/s (8 clients)', unit: '/s', better: 'higher', get: (f) => f.fast?.loginsPerS, target: { kind: 'ratio-min', value: 2 } },
    { key: 'fastCpu', figure: 2, label: 'server CPU per FAST login', unit: 'ms', better: 'lower', get: (f) => f.fast?.serverCpuMsPerLogin, target: { kind: 'max', value: 1.5 } },
    { key: 'fastClientCpu', figure: 2, label: 'client CPU per FAST login', unit: 'ms', better: 'lower', get: (f) => f.fast?.clientCpuMsPerLogin },
    ...sessionLevels.map(
      (sessions, i): MetricDef => ({
        key: `memory${sessions}`,
        figure: 3,
        label: i === 0 ? `memory per idle session, ${count(sessions)} held` : `memory per idle session, ${count(sessionLevels[i - 1]!)} → ${count(sessions)} held`,
        unit: 'kB',
        better: 'lower',
        get: memoryLevel(i),
        target: { kind: 'ratio-max', value: 1 },
      }),
    ),
    { key: 'messageP50', figure: 4, label: 'message latency p50 across replicas', unit: 'ms', better: 'lower', get: (f) => f.messages?.latency.p50Ms },
    { key: 'messageP99', figure: 4, label: 'message latency p99 across replicas', unit: 'ms', better: 'lower', get: (f) => f.messages?.latency.p99Ms, target: { kind: 'max', value: 5 } },
    { key: 'stanzasPerS', figure: 4, label: 'stanzas/s (16 pairs × 32 in flight)', unit: '/s', better: 'higher', get: (f) => f.messages?.stanzasPerS, target: { kind: 'ratio-min', value: 2 } },
    { key: 'stanzaCpu', figure: 4, label: 'server CPU per stanza', unit: 'ms', better: 'lower', get: (f) => f.messages?.serverCpuMsPerStanza },
    { key: 'revokeP50', figure: 5, label: 'revoke → stream ended p50', unit: 'ms', better: 'lower', get: (f) => f.revoke?.latency.p50Ms },
    { key: 'revokeP99', figure: 5, label: 'revoke → stream ended p99', unit: 'ms', better: 'lower', get: (f) => f.revoke?.latency.p99Ms, target: { kind: 'max', value: 20 } },
    { key: 'lagP99', figure: 6, label: 'projection lag p99 (login storm)', unit: 'ms', better: 'lower', get: (f) => f.listing?.lag.p99Ms, target: { kind: 'max', value: 50 } },
    { key: 'listP99', figure: 6, label: 'listing 1,000 clients p99', unit: 'ms', better: 'lower', get: (f) => f.listing?.list.p99Ms, target: { kind: 'max', value: 10 } },
  ];
}

export interface MetricSummary {
  key: string;
  figure: number;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  gatehouse: number | null;
  prosody: number | null;
  /** Median over rounds of Gatehouse ÷ Prosody. */
  ratio: number | null;
  rounds: number;
  target: string | null;
  /** null: no target, or not measurable (e.g. a ratio without Prosody). */
  met: boolean | null;
}

const finite = (values: (number | undefined)[]) => values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
const orNull = (value: number) => (Number.isFinite(value) ? round(value) : null);

export function describeTarget(target: Target, unit: string): string {
  if (target.kind === 'max') return `≤ ${target.value} ${unit}`;
  return target.kind === 'ratio-min' ? `≥ ${target.value}× Prosody` : `≤ ${target.value}× Prosody`;
}

function met(target: Target | undefined, gatehouse: number | null, ratio: number | null): boolean | null {
  if (!target) return null;
  if (target.kind === 'max') return gatehouse === null ? null : gatehouse <= target.value;
  if (ratio === null) return null;
  return target.kind === 'ratio-min' ? ratio >= target.value : ratio <= target.value;
}

export function summarize(rounds: readonly RoundResult[], sessionLevels: readonly number[]): MetricSummary[] {
  return metricDefs(sessionLevels).map((def) => {
    const gatehouseValues = rounds.map((r) => (r.servers.gatehouse ? def.get(r.servers.gatehouse.figures) : undefined));
    const prosodyValues = rounds.map((r) => (r.servers.prosody ? def.get(r.servers.prosody.figures) : undefined));
    const ratios = finite(gatehouseValues.map((g, i) => (g !== undefined && prosodyValues[i] ? g / prosodyValues[i]! : undefined)));
    const gatehouse = orNull(median(finite(gatehouseValues)));
    const ratio = orNull(median(ratios));
    return {
      key: def.key,
      figure: def.figure,
      label: def.label,
      unit: def.unit,
      better: def.better,
      gatehouse,
      prosody: orNull(median(finite(prosodyValues))),
      ratio,
      rounds: finite(gatehouseValues).length,
      target: def.target ? describeTarget(def.target, def.unit) : null,
      met: met(def.target, gatehouse, ratio),
    };
  });
}
