import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SeedResults } from './results.ts';
import { formatSeedReport } from './table.ts';

const results = (overrides: Partial<SeedResults>): SeedResults => ({
  schema: 1,
  kind: 'seed',
  startedAt: '2026-12-08T00:00:00Z',
  finishedAt: '2026-12-08T01:00:00Z',
  command: 'npm run bench:seed',
  machine: { cpuModel: 'x', cores: 2, memoryMb: 24_000, kernel: 'k', loadAverageAtStart: [0, 0, 0], openFilesLimit: 1024 },
  versions: { gatehouse: 'abc', node: 'v20', openssl: '3', natsServer: '2.9', postgres: '15' },
  settings: { accounts: 1, rosters: 0, contacts: 0, clients: 0, logins: 0, rosterGets: 0, window: 1, seedTimeoutS: 1, readyTimeoutS: 1, idleTimeoutS: 1, services: [], stack: false, logLevel: 'warn', credentials: '' },
  load: {},
  disk: { freeBytes: 0, estimatedBytes: 0 },
  services: [],
  errors: {},
  ...overrides,
});

describe('formatSeedReport', () => {
  it('shows each start, and a start that never got ready as such', () => {
    const text = formatSeedReport(
      results({
        services: [
          { service: 'token', data: 'seeded', start: 'first', outcome: 'ready', readyMs: 61_200, cpuMs: 58_000, quietAfterMs: 0, rssKb: 2_097_152, peakRssKb: 2_500_000 },
          { service: 'roster-sync', data: 'seeded', start: 'first', outcome: 'not-ready', cpuMs: 600_000, rssKb: 3_000_000, peakRssKb: 3_100_000, note: 'not ready within 600 s' },
          { service: 'projections', data: 'seeded', start: 'first', outcome: 'ready', readyMs: 2_000, cpuMs: 1_500, quietAfterMs: null, rssKb: 300_000, peakRssKb: 310_000 },
        ],
      }),
    );
    const rows = text.split('\n');
    assert.match(rows.find((row) => row.startsWith('token'))!, /token\s+seeded\s+first\s+61\.2 s\s+58\.0 s\s+0\.0 s\s+2048 MB\s+2441 MB/);
    assert.match(rows.find((row) => row.startsWith('roster-sync'))!, /NOT READY\s+600\.0 s\s+–\s+2930 MB/);
    assert.match(rows.find((row) => row.startsWith('projections'))!, /not quiet/);
  });

  it('shows the seed, the stack figures and what failed', () => {
    const text = formatSeedReport(
      results({
        seed: {
          kinds: [{ kind: 'accounts', items: 1_000_000, events: 1_000_000, byType: {}, seconds: 70, eventsPerS: 14_286, duplicates: 0, retries: 0 }],
          events: 1_000_000,
          seconds: 70,
          streams: [{ stream: 'S_ACCOUNTS', messages: 1_000_000, bytes: 800 * 2 ** 20 }],
        },
        stack: {
          how: 'forked by the bench',
          launcherFailure: 'token did not become ready in time',
          readyMs: 95_000,
          quietAfterMs: 1_000,
          figures: { errors: [], coldLogin: { count: 200, p50Ms: 30, p99Ms: 90, maxMs: 95, failures: 0 } },
        },
        errors: { services: 'boom' },
      }),
    );
    assert.match(text, /accounts\s+1,000,000\s+1,000,000\s+70 s\s+14,286/);
    assert.match(text, /S_ACCOUNTS\s+1,000,000\s+800\.0 MB/);
    assert.match(text, /forked by the bench\): ready in 95\.0 s/);
    assert.match(text, /gatehouse start did not serve: token did not become ready in time/);
    assert.match(text, /first login, cold account\s+200\s+30\.0 ms\s+90\.0 ms\s+95\.0 ms/);
    assert.match(text, /services FAILED: boom/);
  });
});
