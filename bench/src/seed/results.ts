import type { MachineInfo, Versions } from '../machine.ts';
import type { ColdFigures } from './cold-figures.ts';
import type { SeededKind, StreamSize } from './seed-streams.ts';
import type { StartFigure } from './service-start.ts';

/** One run of `npm run bench:seed`: bench/results/seed-<date>.json. */
export interface SeedResults {
  schema: 1;
  kind: 'seed';
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo;
  versions: Versions;
  settings: {
    accounts: number;
    rosters: number;
    contacts: number;
    clients: number;
    logins: number;
    rosterGets: number;
    window: number;
    seedTimeoutS: number;
    readyTimeoutS: number;
    idleTimeoutS: number;
    services: string[];
    stack: boolean;
    logLevel: string;
    credentials: string;
  };
  /** 1, 5 and 15 minute load averages as each phase began. */
  load: Record<string, number[]>;
  disk: { freeBytes: number; estimatedBytes: number };
  seed?: { kinds: SeededKind[]; events: number; seconds: number; streams: StreamSize[] };
  services: StartFigure[];
  stack?: {
    how: string;
    launcherFailure?: string;
    readyMs: number;
    /** Ready → quiet before the figures ran; null when it stayed busy past the bound. */
    quietAfterMs: number | null;
    figures?: ColdFigures;
  };
  /** Phase → why it failed. */
  errors: Record<string, string>;
}
