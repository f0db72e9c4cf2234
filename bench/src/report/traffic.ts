/**
 * `npm run bench:traffic [-- password|fast]`: what one login costs Gatehouse in
 * messages, not in time. On a fresh stack (private NATS), 20 logins one after another
 * while a wildcard subscription counts every NATS message by kind (event publishes,
 * consumer deliveries, KV operations, service requests, replies) and PostgreSQL's own
 * statistics count transactions and rows. Each message is a socket write or two in some
 * process, which is where the profiles say the CPU goes.
 */
import { connect, type Msg } from '@nats-io/transport-node';
import pg from 'pg';
import { passwordLogin, fastLogin } from '../client/login.ts';
import { ScramKeyCache } from '../client/scram.ts';
import { sleep } from '../concurrency.ts';
import { startGatehouse } from '../servers/gatehouse.ts';

const LOGINS = 20;

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
    const stats = async () =>
      (await db.query<Record<string, number>>('select xact_commit::int as transactions, tup_inserted::int as inserted, tup_updated::int as updated, tup_deleted::int as deleted from pg_stat_database where datname = current_database()')).rows[0]!;
    const counts = new Map<string, number>();
    nc.subscribe('>', {
      callback: (error, message) => {
        if (error) return;
        const name = kind(message, server.ns);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      },
    });
    await sleep(3_000);
    counts.clear();
    const before = await stats();
    for (let i = 0; i < LOGINS; i++) {
      const request = { endpoint: server.endpoints[i % server.endpoints.length]!, account, clientId: 'traffic', tag: `t${i}` };
      const session = mode === 'fast' ? await fastLogin(request, first.token!) : await passwordLogin(request, cache);
      await session.conn.close();
    }
    await sleep(3_000);
    const after = await stats();
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`per ${mode} login (TLS, SASL2, Bind 2, close), mean of ${LOGINS}:`);
    for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) out(`  ${(n / LOGINS).toFixed(1).padStart(5)}  ${name}`);
    out(`  ${([...counts.values()].reduce((a, b) => a + b, 0) / LOGINS).toFixed(1).padStart(5)}  NATS messages in all`);
    for (const key of Object.keys(after)) out(`  ${((after[key]! - before[key]!) / LOGINS).toFixed(1).padStart(5)}  PostgreSQL ${key} (statistics may lag by a moment)`);
    await db.end();
    await nc.close();
  } finally {
    await server.stop();
  }
  return 0;
}

process.exitCode = await main(process.argv[2] === 'fast' ? 'fast' : 'password');
