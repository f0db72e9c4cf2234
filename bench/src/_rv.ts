import { startGatehouse } from './servers/gatehouse.ts';
import { ScramKeyCache } from './client/scram.ts';
import { passwordLogin } from './client/login.ts';
import { listClients, iq, NS_MANAGE_CLIENTS } from './client/iq.ts';
const server = await startGatehouse({ base: 15222, natsPort: 15224, logLevel: 'info' });
try {
  const account = { user: 'r1', password: 'pw' };
  await server.createAccounts([account]);
  const cache = new ScramKeyCache();
  const admin = await passwordLogin({ endpoint: server.endpoints[0]!, account, clientId: 'admin', tag: 'admin' }, cache);
  for (let k = 0; k < 2; k++) {
    const v = await passwordLogin({ endpoint: server.endpoints[1]!, account, clientId: `victim-${k}`, device: `victim-${k}`, tag: 'victim', requestToken: true }, cache);
    await new Promise((r) => setTimeout(r, 2000));
    const l = await listClients(admin.conn);
    console.log(l.xml.replace(/<first-seen>.*?<\/last-seen>/g, ''));
    const r = await iq(admin.conn, 'set', `<revoke xmlns='${NS_MANAGE_CLIENTS}' id='client/victim-${k}'/>`);
    console.log('revoke', r.xml);
    const t = performance.now(); await Promise.race([v.conn.ended, new Promise((r) => setTimeout(r, 3000))]); console.log('ended after', performance.now() - t);
  }
} finally { await server.stop(); }
