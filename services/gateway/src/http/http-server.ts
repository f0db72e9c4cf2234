/**
 * Port 5280: XMPP over WebSocket (RFC 7395) at /xmpp-websocket, plus health and
 * metrics for operators, and the feature endpoints passed in `mounts` (roster admin, ...).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import { WebSocketServer } from 'ws';
import { listen, type Listener } from '../transports/listeners.ts';
import { normaliseAddress } from '../transports/stream-transport.ts';
import { WebSocketTransport } from '../transports/websocket-transport.ts';
import type { Transport } from '../transports/transport.ts';

export const WEBSOCKET_PATH = '/xmpp-websocket';

export interface HttpServerOptions {
  host: string;
  port: number;
  stanzaLimit: number;
  /** WEBSOCKET_SECURE: a TLS proxy fronts the endpoint, so its streams count as encrypted. */
  websocketSecure: boolean;
  /** C2S_SEND_BUFFER_LIMIT: bytes a client may leave unread before its stream is closed. */
  sendBufferLimit: number;
  /** Largest WebSocket message accepted at all (bytes); the stanza limit applies inside it. */
  maxMessageBytes: number;
  accept(transport: Transport): void;
  ready(): boolean;
  metrics(): Record<string, number>;
  /** Feature endpoints by path prefix, e.g. `/roster_admin` (mod_http_roster_admin). */
  mounts?: ReadonlyArray<readonly [path: string, router: express.Router]>;
}

export function startHttpServer(opts: HttpServerOptions): Promise<Listener> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = opts.ready();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });
  for (const [path, router] of opts.mounts ?? []) app.use(path, router);
  app.get('/metrics', (_req, res) => {
    const lines = Object.entries(opts.metrics()).map(([name, value]) => `gatehouse_gateway_${name} ${value}`);
    res.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });

  const server = createServer(app);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.maxMessageBytes,
    handleProtocols: (protocols) => (protocols.has('xmpp') ? 'xmpp' : false),
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (path !== WEBSOCKET_PATH || !offered.includes('xmpp')) {
      // RFC 7395 §3.1: without the "xmpp" subprotocol this is not an XMPP session.
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      opts.accept(new WebSocketTransport(ws, normaliseAddress(request.socket.remoteAddress), opts.websocketSecure, opts.stanzaLimit, opts.sendBufferLimit));
    });
  });
  return listen(server, opts.host, opts.port).then((listener) => ({
    port: listener.port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await listener.close();
    },
  }));
}
