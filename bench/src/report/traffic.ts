/**
 * `npm run bench:traffic [-- password|fast]`: what one login costs Gatehouse in
 * messages, not in time. On a fresh stack (private NATS), 20 logins one after another
 * while a wildcard subscription counts every NATS message by kind (event publishes,
 * consumer deliveries, KV operations, service requests, replies) and PostgreSQL's own
 * statistics count transactions and rows. Each message is a socket write or two in some
 * process, which is where the profiles say the CPU goes. NATS messages are counted from
 * the first login to a moment after the last (DRAIN_MS); what the idle stack sends anyway
 * (heartbeats, consumer idle checks) is measured apart and printed per second.
 */
import { connect, type Msg } from '@nats-io/transport-node';
import pg from 'pg';
import { passwordLogin, fastLogin } from '../client/login.ts';
import { ScramKeyCache } from '../client/scram.ts';
import { sleep } from '../concurrency.ts';
import { startGatehouse } from '../servers/gatehouse.ts';

const LOGINS = 20;
/** After the last login: time for the consumers' deliveries and acks to go out. */
const DRAIN_MS = 1_000;
/** The quiet window that measures what the idle stack sends. */
const IDLE_MS = 5_000;
/**
 * PostgreSQL 15 publishes a backend's row counts when the backend has been idle for 10 s
 * (PGSTAT_IDLE_INTERVAL) unless a second has passed since its last flush: a reading taken
 * sooner misses the last logins' rows, or all of them.
 */
const PG_STATS_SETTLE_MS = 11_000;

/** Rows inserted, updated and deleted so far, per table of the round's database. */
async function rowsWritten(db: pg.Client): Promise<Map<string, number>> {
  const { rows } = await db.query<{ relname: string; written: number }>(
    'select relname, (n_tup_ins + n_tup_upd + n_tup_del)::int as written from pg_stat_user_tables',
  );
  return new Map(rows.map((row) => [row.relname, row.written]));
}

/** The kind of a message, with the namespace and per-aggregate tokens folded away. */
function kind(message: Msg, ns: string): string {
  const subject = message.subject;
  if (subject.startsWith('_INBOX.')) return 'reply (request or publish ack)';
  if (subject.startsWith('$JS.ACK.')) return `consumer ack ${subject.split('.').slice(2, 4).join(' ')}`;
  if (subject.startsWith('$KV.')) return `KV ${subject.split('.')[1]}`;
  if (subject.startsWith('$JS.API.')) return subject.split('.').slice(0, 4).join('.');
  if (/^[^.]+\.(session|client|grant|fast-token|account|control)\./.test(subject)) {
    const type = (message.json() as { type?: string }).type ?? '?';
    return `${message.reply?.startsWith('$JS.ACK') ? 'delivery' : 'publish'} ${type}`;
  }
  return `request ${subject.slice(ns.length + 1)}`;
}

async function main(mode: string): Promise<number> {
  const server = await startGatehouse({ base: 15222, natsPort: 15224, logLevel: 'info' });
  try {
    const account = { user: 'traffic', password: 'traffic-password' };
    await server.createAccounts([account]);
    const cache = new ScramKeyCache();
    const first = await passwordLogin({ endpoint: server.endpoints[0]!, account, clientId: 'traffic', tag: 'first', requestToken: true }, cache);
    await first.conn.close();
    const nc = await connect({ servers: 'nats://127.0.0.1:15224', name: 'gatehouse-bench-traffic' });
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    const transactions = async () =>
      (await db.query<{ n: number }>('select xact_commit::int as n from pg_stat_database where datname = current_database()')).rows[0]!.n;
    const counts = new Map<string, number>();
    let counting = true;
    nc.subscribe('>', {
      callback: (error, message) => {
        if (error || !counting) return;
        const name = kind(message, server.ns);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      },
    });
    await sleep(PG_STATS_SETTLE_MS - IDLE_MS);
    counts.clear();
    await sleep(IDLE_MS);
    const idlePerSecond = ([...counts.values()].reduce((a, b) => a + b, 0) * 1000) / IDLE_MS;
    counts.clear();
    const rowsBefore = await rowsWritten(db);
    const transactionsBefore = await transactions();
    for (let i = 0; i < LOGINS; i++) {
      const request = { endpoint: server.endpoints[i % server.endpoints.length]!, account, clientId: 'traffic', tag: `t${i}` };
      const session = mode === 'fast' ? await fastLogin(request, first.token!) : await passwordLogin(request, cache);
      await session.conn.close();
    }
    await sleep(DRAIN_MS);
    counting = false;
    await sleep(PG_STATS_SETTLE_MS - DRAIN_MS);
    const rowsAfter = await rowsWritten(db);
    const transactionsAfter = await transactions();
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`per ${mode} login (TLS, SASL2, Bind 2, close), mean of ${LOGINS}:`);
    const perLogin = (n: number) => (n / LOGINS).toFixed(1).padStart(5);
    for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) out(`  ${perLogin(n)}  ${name}`);
    out(`  ${perLogin([...counts.values()].reduce((a, b) => a + b, 0))}  NATS messages in all`);
    out(`  (the idle stack sends ${idlePerSecond.toFixed(1)} messages/s of its own: heartbeats and consumer checks, not counted above)`);
    let rows = 0;
    for (const [table, written] of [...rowsAfter].sort()) {
      const delta = written - (rowsBefore.get(table) ?? 0);
      rows += delta;
      if (delta > 0) out(`  ${perLogin(delta)}  PostgreSQL rows written to ${table} (inserted, updated or deleted)`);
    }
    out(`  ${perLogin(rows)}  PostgreSQL rows written in all`);
    out(`  ${perLogin(transactionsAfter - transactionsBefore)}  PostgreSQL transactions (the counting queries' own included)`);
    await db.end();
    await nc.close();
  } finally {
    await server.stop();
  }
  return 0;
}

process.exitCode = await main(process.argv[2] === 'fast' ? 'fast' : 'password');
