import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const serverUrl = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function administer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** An empty database per Gatehouse round on the local server, named so a stray one is recognisable. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `gatehouse_bench_${randomBytes(5).toString('hex')}`;
  await administer(`create database ${name}`);
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => administer(`drop database if exists ${name} with (force)`) };
}
