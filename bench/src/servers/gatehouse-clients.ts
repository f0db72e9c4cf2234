/**
 * What figure 6 watches on Gatehouse: the client events on the bus (the client
 * aggregate's subjects, `<ns>.client.<jid>.<client>`, docs/architecture.md) and the
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
      const subscription = nc.subscribe(`${ns}.client.>`, {
        callback: (error, message) => {
          // Consumers' deliveries of the same event carry a $JS.ACK reply: only the publish counts.
          if (error || message.reply?.startsWith('$JS.ACK')) return;
          const data = (message.json() as { data?: { jid?: unknown; clientId?: unknown } }).data;
          if (data?.jid === jid && typeof data.clientId === 'string') onEvent(data.clientId, performance.now());
        },
      });
      // The subscription is registered with the server before anything is measured.
      await nc.flush();
      return async () => subscription.unsubscribe();
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
