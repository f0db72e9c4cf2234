import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../options.ts';
import { firstColdAccount, type SeedCounts } from './layout.ts';

export const SERVICES = ['token', 'roster-sync', 'client-registry', 'projections', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * One roster is one `roster.synced` event, as roster-sync writes a fetched roster: it cuts
 * one into several only past 512 KiB of items, and ROSTER_MAX_ITEMS (default 2,000) is far
 * below that at the size of the seeded items.
 */
export const MAX_CONTACTS = 2_000;

export interface SeedOptions extends SeedCounts {
  /** Cold accounts whose first login is timed. */
  logins: number;
  /** Roster owners whose roster is got cold and warm. */
  rosterGets: number;
  /** Appends awaiting their JetStream ack at once. */
  window: number;
  /** Bound on the whole seeding, ms. */
  seedTimeoutMs: number;
  /** Bound on one service's start to its ready message, ms. */
  readyTimeoutMs: number;
  /** Bound on waiting for a started service to go quiet, ms. */
  idleTimeoutMs: number;
  /** Services whose start is measured alone (phase 3), in order; empty: phase 3 skipped. */
  services: ServiceName[];
  /** Phase 4: the whole stack, cold logins and roster gets. */
  stack: boolean;
  portBase: number;
  logLevel: string;
  /** Where the results file goes; none written when undefined. */
  out?: { dir: string } | { file: string };
}

export const seedUsage = `npm run bench:seed -- [options]

  --accounts N          accounts created (default 1000000)
  --rosters N           accounts with a roster (default 100000)
  --contacts N          contacts per roster (default 50, at most ${MAX_CONTACTS})
  --clients N           clients that logged in once (default 200000)
  --logins N            cold accounts whose first login is timed (default 200)
  --roster-gets N       rosters got cold, then warm (default 100)
  --window N            appends in flight while seeding (default 2000)
  --seed-timeout S      bound on the seeding (default 3600)
  --ready-timeout S     bound on one service's start (default 600)
  --idle-timeout S      bound on a started service going quiet (default 600)
  --services A,B        services started alone (default ${SERVICES.join(',')})
  --skip-services       no service started alone (phase 3)
  --skip-stack          no whole stack, logins or roster gets (phase 4)
  --port-base P         ports P..P+401 (default 17222)
  --log-level L         services' log level (default warn)
  --out FILE|DIR|-      results file, or folder for seed-<date>.json (default bench/results; - for none)
`;

function count(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${name}: expected a whole number ≥ ${min}, got ${raw}`);
  return value;
}

function services(raw: string | undefined): ServiceName[] {
  if (raw === undefined) return [...SERVICES];
  const names = raw.split(',').filter(Boolean);
  for (const name of names) if (!(SERVICES as readonly string[]).includes(name)) throw new UsageError(`--services: no service ${name} (${SERVICES.join(', ')})`);
  return names as ServiceName[];
}

export function parseSeedOptions(argv: string[], defaultOutDir: string): SeedOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      accounts: { type: 'string' },
      rosters: { type: 'string' },
      contacts: { type: 'string' },
      clients: { type: 'string' },
      logins: { type: 'string' },
      'roster-gets': { type: 'string' },
      window: { type: 'string' },
      'seed-timeout': { type: 'string' },
      'ready-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
      services: { type: 'string' },
      'skip-services': { type: 'boolean' },
      'skip-stack': { type: 'boolean' },
      'port-base': { type: 'string' },
      'log-level': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const counts: SeedCounts = {
    accounts: count('--accounts', values.accounts, 1_000_000),
    rosters: count('--rosters', values.rosters, 100_000, 0),
    contacts: count('--contacts', values.contacts, 50, 0),
    clients: count('--clients', values.clients, 200_000, 0),
  };
  if (counts.rosters > counts.accounts) throw new UsageError('--rosters: more rosters than accounts');
  if (counts.contacts > MAX_CONTACTS) throw new UsageError(`--contacts: at most ${MAX_CONTACTS}, the roster size one event carries`);
  if (counts.contacts >= counts.accounts) throw new UsageError('--contacts: a roster holds other accounts, so fewer than --accounts');
  const stack = !values['skip-stack'];
  const logins = count('--logins', values.logins, 200, 0);
  const rosterGets = count('--roster-gets', values['roster-gets'], 100, 0);
  if (stack) {
    const cold = counts.accounts - firstColdAccount(counts);
    if (logins > cold) throw new UsageError(`--logins: only ${cold} accounts are left untouched by rosters and clients`);
    if (rosterGets > counts.rosters) throw new UsageError('--roster-gets: more than --rosters');
  }
  const portBase = count('--port-base', values['port-base'], 17_222);
  if (portBase + 401 > 65_535) throw new UsageError('--port-base: too high');
  const out = values.out;
  return {
    ...counts,
    logins,
    rosterGets,
    window: count('--window', values.window, 2_000),
    seedTimeoutMs: count('--seed-timeout', values['seed-timeout'], 3_600) * 1000,
    readyTimeoutMs: count('--ready-timeout', values['ready-timeout'], 600) * 1000,
    idleTimeoutMs: count('--idle-timeout', values['idle-timeout'], 600) * 1000,
    services: values['skip-services'] ? [] : services(values.services),
    stack,
    portBase,
    logLevel: values['log-level'] ?? 'warn',
    ...(out === '-' ? {} : { out: out === undefined ? { dir: defaultOutDir } : out.endsWith('.json') ? { file: resolve(out) } : { dir: resolve(out) } }),
  };
}
