import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MachineInfo, Versions } from './machine.ts';
import type { RoundResult } from './run.ts';
import type { MetricSummary } from './summary.ts';

/** One run of `npm run bench`: everything the report is regenerated from. */
export interface BenchResults {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo;
  versions: Versions;
  settings: {
    rounds: number;
    durationS: number;
    sessionLevels: number[];
    /** Levels after the first ran in rounds 1..bigRounds only. */
    bigRounds: number;
    listClients: number;
    figures: number[];
    gatehouseGateways: number;
    nats: string;
    logLevel: string;
    prosodyConfig?: string;
  };
  /** Why Prosody did not run, when it did not. */
  prosodyMissing?: string;
  rounds: RoundResult[];
  summary: MetricSummary[];
}

/** `<dir>/<stem>.json`; when that exists, `<stem>-2.json`, `-3`, ... Returns the file written. */
export async function writeNumbered(dir: string, stem: string, value: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const file = join(dir, n === 1 ? `${stem}.json` : `${stem}-${n}.json`);
    try {
      await writeFile(file, `${JSON.stringify(value, null, 2)}\n`, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** `<dir>/<YYYY-MM-DD>.json`; a second run on one day gets `-2`, `-3`, ... */
export function writeResults(dir: string, results: BenchResults): Promise<string> {
  return writeNumbered(dir, results.startedAt.slice(0, 10), results);
}

export async function readResults(file: string): Promise<BenchResults> {
  return JSON.parse(await readFile(file, 'utf8')) as BenchResults;
}
