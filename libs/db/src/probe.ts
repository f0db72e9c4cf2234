import { connect } from 'node:net';
import pg from 'pg';

/** Answers whether a PostgreSQL server accepts `url` within about a second. */
export type DatabaseProbe = (url: string) => Promise<boolean>;

const PROBE_TIMEOUT_MS = 1_000;

/**
 * A TCP connect first, because pg's own connect can hang far longer than a second on a
 * silent port; then a real `select 1`, because something else may listen on 5432 or the
 * server may refuse our role.
 */
export const probePostgres: DatabaseProbe = async (url) => {
  const { hostname, port } = new URL(url);
  if (!(await tcpAnswers(hostname || '127.0.0.1', Number(port || 5432)))) return false;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS, query_timeout: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
};

function tcpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
