import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  readonly code = 'usage';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const FIGURES = [1, 2, 3, 4, 5, 6] as const;
export type FigureNumber = (typeof FIGURES)[number];

export interface BenchOptions {
  rounds: number;
  /** Each timed load phase, ms. */
  durationMs: number;
  /** Idle session counts of figure 3, in order. */
  sessions: number[];
  /** Rounds (the first ones) in which figure 3 also holds the levels after the first: 10,000 sessions take minutes a round. */
  bigRounds: number;
  /** Clients of the one account figure 6 lists. */
  listClients: number;
  /** Bound on opening one level of figure 3's sessions, ms. */
  openTimeoutMs: number;
  figures: Set<FigureNumber>;
  /** `auto`: Prosody too when installed. */
  servers: 'auto' | 'gatehouse';
  portBase: number;
  /** Use the NATS server at this URL (shared) instead of a private one per round. */
  sharedNatsUrl?: string;
  logLevel: string;
  /** Profile every Gatehouse Node process into this folder (`--cpu-prof`). */
  cpuProfDir?: string;
  /** Folder of the results file; none written when undefined. */
  outDir?: string;
}

export const usage = `npm run bench -- [options]

  --rounds N          rounds, each Prosody then Gatehouse (default 3)
  --duration S        seconds of each timed load phase (default 5)
  --sessions A,B      idle sessions held in figure 3 (default 1000,10000)
  --big-rounds N      rounds (the first N) that also hold figure 3's larger levels (default 1)
  --open-timeout S    bound on opening one level of figure 3 (default 240)
  --clients N         clients of the account figure 6 lists (default 1000)
  --figures 1,2,...   figures to run (default all: 1-6)
  --gatehouse-only    do not run Prosody even when it is installed
  --port-base P       first port used (default 15222; uses P..P+401)
  --shared-nats URL   run Gatehouse on this NATS server instead of a private one
  --log-level L       server log level (default info, both servers)
  --cpu-prof DIR      write --cpu-prof profiles of every Gatehouse process to DIR
  --out DIR           where results/<date>.json goes (default bench/results; "-" for none)
`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`${name}: expected a positive number, got ${raw}`);
  return value;
}

export function parseOptions(argv: string[], defaultOutDir: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      sessions: { type: 'string' },
      'open-timeout': { type: 'string' },
      clients: { type: 'string' },
      'big-rounds': { type: 'string' },
      figures: { type: 'string' },
      'gatehouse-only': { type: 'boolean' },
      'port-base': { type: 'string' },
      'shared-nats': { type: 'string' },
      'log-level': { type: 'string' },
      'cpu-prof': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const figures = (values.figures ?? FIGURES.join(',')).split(',').map(Number);
  for (const figure of figures) if (!(FIGURES as readonly number[]).includes(figure)) throw new UsageError(`--figures: no figure ${figure}`);
  const sessions = (values.sessions ?? '1000,10000').split(',').map((raw) => Math.round(positive('--sessions', raw, 0)));
  const portBase = Math.round(positive('--port-base', values['port-base'], 15222));
  if (portBase + 401 > 65535) throw new UsageError('--port-base: too high');
  return {
    rounds: Math.round(positive('--rounds', values.rounds, 3)),
    durationMs: positive('--duration', values.duration, 5) * 1000,
    sessions,
    bigRounds: Math.round(positive('--big-rounds', values['big-rounds'], 1)),
    listClients: Math.round(positive('--clients', values.clients, 1000)),
    openTimeoutMs: positive('--open-timeout', values['open-timeout'], 240) * 1000,
    figures: new Set(figures as FigureNumber[]),
    servers: values['gatehouse-only'] ? 'gatehouse' : 'auto',
    portBase,
    sharedNatsUrl: values['shared-nats'],
    logLevel: values['log-level'] ?? 'info',
    cpuProfDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    outDir: values.out === '-' ? undefined : (values.out ?? defaultOutDir),
  };
}
