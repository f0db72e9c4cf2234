/**
 * ADMIN_HTTP_PORT (5281, loopback by default): what only operators and the web app may
 * reach — the admin API, `/roster_admin`, `/metrics` — off the public client port.
 */
import { createServer } from 'node:http';
import express from 'express';
import { listen, type Listener } from '../transports/listeners.ts';
import { healthRouter } from './health.ts';

export interface AdminServerOptions {
  host: string;
  port: number;
  ready(): boolean;
  metrics(): Record<string, number>;
  /** Endpoints by path prefix: the admin API at `/`, `/roster_admin` (mod_http_roster_admin). */
  mounts: ReadonlyArray<readonly [path: string, router: express.Router]>;
}

export function startAdminServer(opts: AdminServerOptions): Promise<Listener> {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(opts.ready));
  app.get('/metrics', (_req, res) => {
    const lines = Object.entries(opts.metrics()).map(([name, value]) => `gatehouse_gateway_${name} ${value}`);
    res.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
  for (const [path, router] of opts.mounts) app.use(path, router);
  const server = createServer(app);
  return listen(server, opts.host, opts.port).then((listener) => ({
    port: listener.port,
    close: async () => {
      server.closeAllConnections();
      await listener.close();
    },
  }));
}
