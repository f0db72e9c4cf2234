/**
 * What figure 6 watches on Gatehouse: the events that make a client listed, on the bus
 * (since catalog v2 a login's `session.established` on `<ns>.session.<id>`, and the client
 * aggregate's events on `<ns>.client.<jid>.<client>`, docs/architecture.md) and the
 * client-listing read model in PostgreSQL (`clients`, one row per known client).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { ClientManagementHooks } from './server.ts';

export interface GatehouseClientHooks extends ClientManagementHooks {
  close(): Promise<void>;
}

export function gatehouseClientHooks(nc: NatsConnection, ns: string, databaseUrl: string): GatehouseClientHooks {
  let pool: pg.Pool | undefined;
  return {
    async watchClientEvents(jid, onEvent) {
      const watch = (subject: string) =>
        nc.subscribe(subject, {
          callback: (error, message) => {
            // Consumers' deliveries of the same event carry a $JS.ACK reply: only the publish counts.
            if (error || message.reply?.startsWith('$JS.ACK')) return;
            const data = (message.json() as { data?: { jid?: unknown; clientId?: unknown } }).data;
            // session.established names the full JID, client events the bare one.
            const account = typeof data?.jid === 'string' ? data.jid.split('/')[0] : undefined;
            if (account === jid && typeof data?.clientId === 'string') onEvent(data.clientId, performance.now());
          },
        });
      const subscriptions = [watch(`${ns}.client.>`), watch(`${ns}.session.>`)];
      // The subscriptions are registered with the server before anything is measured.
      await nc.flush();
      return async () => {
        for (const subscription of subscriptions) subscription.unsubscribe();
      };
    },
    async listed(jid, clientIds) {
      pool ??= new pg.Pool({ connectionString: databaseUrl, max: 1 });
      const { rows } = await pool.query<{ client_id: string }>('select client_id from clients where jid = $1 and client_id = any($2)', [jid, clientIds]);
      return rows.map((row) => row.client_id);
    },
    async close() {
      await pool?.end();
    },
  };
}
