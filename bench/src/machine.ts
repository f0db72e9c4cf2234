import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import pg from 'pg';
import { repoRoot } from './servers/gatehouse.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryMb: number;
  kernel: string;
  loadAverageAtStart: number[];
  openFilesLimit: number;
}

export interface Versions {
  gatehouse: string;
  node: string;
  openssl: string;
  natsServer: string;
  postgres: string;
  prosody?: string;
}

function quiet(binary: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(binary, args, { encoding: 'utf8', cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}

/** Soft RLIMIT_NOFILE of this process: figure 3 holds one socket per session. */
export function openFilesLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  return Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? 1024);
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryMb: Math.round(totalmem() / 2 ** 20),
    kernel: release(),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    openFilesLimit: openFilesLimit(),
  };
}

async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? 'unknown';
  } catch {
    return 'unknown';
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function versions(prosody: string | undefined): Promise<Versions> {
  const commit = quiet('git', ['rev-parse', '--short', 'HEAD'], repoRoot);
  const dirty = quiet('git', ['status', '--porcelain'], repoRoot) !== '' ? '+uncommitted changes' : '';
  return {
    gatehouse: `${commit}${dirty}`,
    node: process.version,
    openssl: process.versions.openssl,
    natsServer: quiet('nats-server', ['--version']).replace(/^nats-server:\s*/, ''),
    postgres: await postgresVersion(),
    ...(prosody ? { prosody } : {}),
  };
}
