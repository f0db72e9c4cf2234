import { startGatehouse } from './servers/gatehouse.ts';
import { ScramKeyCache } from './client/scram.ts';
import { passwordLogin, fastLogin } from './client/login.ts';
import { connect } from '@nats-io/transport-node';

const server = await startGatehouse({ base: 15222, natsPort: 15224, logLevel: 'info' });
try {
  const account = { user: 'a1', password: 'pw' };
  await server.createAccounts([account]);
  const cache = new ScramKeyCache();
  const s0 = await passwordLogin({ endpoint: server.endpoints[0]!, account, clientId: 'c', tag: 'w', requestToken: true }, cache);
  await s0.conn.close();
  const nc = await connect({ servers: 'nats://127.0.0.1:15224' });
  const counts = new Map<string, number>();
  let bytes = 0;
  const sub = nc.subscribe('>', { callback: (_e, m) => { const k = (m.subject.includes('.session.') ? m.subject.split('.').slice(0,2).join('.') + ':' + (JSON.parse(new TextDecoder().decode(m.data)).type ?? '?') + ':' + (m.headers?.get('Nats-Msg-Id') ? 'js' : 'core') : m.subject).replace(/^_INBOX\..*/, '_INBOX').replace(/^(\$JS\.API\.[A-Z]+\.[A-Z]+).*/, '$1').replace(/^(\$KV\.[^.]+).*/, '$1').replace(/^(bench[0-9a-f]+\.[a-z-]+).*/, '$1').replace(/^(\$JS\.ACK).*/, '$1'); counts.set(k, (counts.get(k) ?? 0) + 1); bytes += m.data.length; if (m.subject.includes('.session.')) { const t = JSON.parse(new TextDecoder().decode(m.data)).type + ':' + m.headers?.get('Nats-Msg-Id') + ':' + m.subject + ':' + (m.reply ?? ''); counts.set(t, (counts.get(t) ?? 0) + 1); } } });
  await new Promise((r) => setTimeout(r, 6000)); counts.clear(); bytes = 0;
  const N = 1;
  for (let i = 0; i < N; i++) { const s = await (process.argv[2] === 'fast' ? fastLogin({ endpoint: server.endpoints[i % 2]!, account, clientId: 'c', tag: `t${i}` }, s0.token!) : passwordLogin({ endpoint: server.endpoints[i % 2]!, account, clientId: 'c', tag: `t${i}` }, cache)); await s.conn.close(); }
  await new Promise((r) => setTimeout(r, 1500));
  sub.unsubscribe();
  console.log('per login:', [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${(v / N).toFixed(1)}`).join(' '), 'total', ([...counts.values()].reduce((a, b) => a + b, 0) / N).toFixed(1), 'bytes', (bytes / N).toFixed(0));
  await nc.close();
} finally { await server.stop(); }
