import { startGatehouse } from './servers/gatehouse.ts';
import { ScramKeyCache } from './client/scram.ts';
import { passwordLogin, fastLogin } from './client/login.ts';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

const server = await startGatehouse({ base: 15222, natsPort: 15224, logLevel: 'info' });
try {
  const account = { user: 'a1', password: 'pw' };
  await server.createAccounts([account]);
  const cache = new ScramKeyCache();
  const s0 = await passwordLogin({ endpoint: server.endpoints[0]!, account, clientId: 'c', tag: 'w', requestToken: true }, cache);
  await s0.conn.close();
  const nc = await connect({ servers: 'nats://127.0.0.1:15224' });
  const counts = new Map<string, number>();
  const sub = nc.subscribe('>', { callback: (_e, m) => {
    let k = m.subject.startsWith('_INBOX') ? '_INBOX (replies)' : m.subject.replace(/^(\$JS\.API\.[A-Z]+\.[A-Z]+).*/, '$1').replace(/^(\$KV\.[^.]+).*/, '$1').replace(/^(\$JS\.ACK\.[^.]+\.[^.]+).*/, '$1');
    if (/^bench[0-9a-f]+\.(session|client|grant|fast-token|account)\./.test(m.subject)) { const type = JSON.parse(new TextDecoder().decode(m.data)).type; k = (m.reply?.startsWith('$JS.ACK') ? 'delivery ' : 'publish ') + type; }
    else if (/^bench[0-9a-f]+\./.test(m.subject)) k = 'request ' + m.subject.split('.').slice(1).join('.');
    k = k.replace(/bench[0-9a-f]+/gi, '<ns>');
    counts.set(k, (counts.get(k) ?? 0) + 1);
  } });
  const db = new pg.Client({ connectionString: (server as any).databaseUrl }); await db.connect();
  const stat = async () => (await db.query("select xact_commit::int c, tup_inserted::int i, tup_updated::int u, tup_deleted::int d, tup_fetched::int f from pg_stat_database where datname = current_database()")).rows[0];
  await new Promise((r) => setTimeout(r, 6000)); counts.clear();
  const before = await stat();
  const N = 20;
  for (let i = 0; i < N; i++) { const s = await (process.argv[2] === 'fast' ? fastLogin({ endpoint: server.endpoints[i % 2]!, account, clientId: 'c', tag: `t${i}` }, s0.token!) : passwordLogin({ endpoint: server.endpoints[i % 2]!, account, clientId: 'c', tag: `t${i}` }, cache)); await s.conn.close(); }
  await new Promise((r) => setTimeout(r, 3000));
  const after = await stat();
  sub.unsubscribe();
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log((v / N).toFixed(1).padStart(6), k);
  console.log('total', ([...counts.values()].reduce((a, b) => a + b, 0) / N).toFixed(1));
  console.log('pg per login', Object.fromEntries(Object.keys(after).map((k) => [k, ((after[k] - before[k]) / N).toFixed(1)])), '(stats flush lag possible)');
  await db.end(); await nc.close();
} finally { await server.stop(); }
