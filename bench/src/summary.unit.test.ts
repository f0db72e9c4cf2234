import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoginFigure } from './figures/logins.ts';
import type { RoundResult } from './run.ts';
import { percentile } from './stats.ts';
import { summarize } from './summary.ts';
import { beforeAfterTable } from './report/markdown.ts';

const logins = (loginsPerS: number, serverCpuMsPerLogin: number): LoginFigure => ({
  logins: 100,
  loginsPerS,
  serverCpuMsPerLogin,
  byRoleMsPerLogin: {},
  clientCpuMsPerLogin: 1,
  latency: { count: 100, p50Ms: 1, p99Ms: 2, maxMs: 3 },
});

const round = (n: number, gatehouse: LoginFigure, prosody?: LoginFigure): RoundResult => ({
  round: n,
  servers: {
    gatehouse: { figures: { logins: gatehouse }, skipped: {}, errors: {} },
    ...(prosody ? { prosody: { figures: { logins: prosody }, skipped: {}, errors: {} } } : {}),
  },
});

describe('percentile', () => {
  it('is nearest-rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(samples, 50), 50);
    assert.equal(percentile(samples, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});

describe('summarize', () => {
  it('takes medians per server and the median of the per-round ratios, not the ratio of medians', () => {
    const rounds = [round(1, logins(10, 2), logins(20, 4)), round(2, logins(30, 1), logins(100, 4)), round(3, logins(20, 3), logins(25, 2))];
    const rate = summarize(rounds, []).find((m) => m.key === 'loginsPerS')!;
    assert.equal(rate.gatehouse, 20);
    assert.equal(rate.prosody, 25);
    // Per-round ratios 0.5, 0.3 and 0.8: their median is 0.5; the ratio of the medians would say 0.8.
    assert.equal(rate.ratio, 0.5);
    assert.equal(rate.met, false);
    const cpu = summarize(rounds, []).find((m) => m.key === 'loginCpu')!;
    assert.equal(cpu.ratio, 0.5);
    // The CPU target is absolute (≤ 1.5 ms), whatever Prosody does.
    assert.equal(cpu.met, false);
  });

  it('leaves ratios and ratio targets open without Prosody', () => {
    const rate = summarize([round(1, logins(10, 1.2))], []).find((m) => m.key === 'loginsPerS')!;
    assert.equal(rate.prosody, null);
    assert.equal(rate.ratio, null);
    assert.equal(rate.met, null);
    assert.equal(summarize([round(1, logins(10, 1.2))], []).find((m) => m.key === 'loginCpu')!.met, true);
  });
});

describe('beforeAfterTable', () => {
  it('puts each metric of an earlier run beside this one, with both runs’ ratios to Prosody', () => {
    const run = (startedAt: string, rounds: RoundResult[]) => ({ startedAt, summary: summarize(rounds, []) }) as unknown as Parameters<typeof beforeAfterTable>[0];
    const before = run('2026-11-25T10:00:00Z', [round(1, logins(30, 60), logins(100, 5))]);
    const after = run('2026-12-03T10:00:00Z', [round(1, logins(60, 20), logins(100, 5))]);
    const table = beforeAfterTable(before, after);
    assert.match(table[0]!, /Gatehouse 2026-11-25 \| Gatehouse 2026-12-03 \| G\/P before \| G\/P after/);
    const rate = table.find((line) => line.includes('password logins/s'));
    assert.match(rate ?? '', /\| 30 \/s \| 60 \/s \| 0\.3× \| 0\.6× \|/);
  });
});
