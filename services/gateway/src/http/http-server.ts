/**
 * HTTP_PORT (5280), the public client port: XMPP over WebSocket (RFC 7395) at
 * /xmpp-websocket, and health. HTTPS (wss://) with the gateway's certificate unless
 * HTTP_TLS=false puts a TLS proxy in front; operator endpoints live on the admin port.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import express from 'express';
import { WebSocketServer } from 'ws';
import type { TlsMaterial } from '../tls/index.ts';
import { listen, type Listener } from '../transports/listeners.ts';
import { WebSocketTransport } from '../transports/websocket-transport.ts';
import type { Transport } from '../transports/transport.ts';
import type { ReadLimit } from '../transports/read-throttle.ts';
import { healthRouter } from './health.ts';
import { originPolicy } from './origin-policy.ts';
import { peerResolver } from './proxy-trust.ts';

export const WEBSOCKET_PATH = '/xmpp-websocket';

export interface HttpServerOptions {
  host: string;
  port: number;
  /** HTTP_TLS: serve HTTPS with this certificate; undefined: plain HTTP. */
  tls: TlsMaterial | undefined;
  /** TRUSTED_PROXIES: whose forwarded protocol and client address count. */
  trustedProxies: readonly string[];
  /** WEBSOCKET_ALLOWED_ORIGINS. */
  allowedOrigins: readonly string[];
  stanzaLimit: number;
  /** C2S_SEND_BUFFER_LIMIT: bytes a client may leave unread before its stream is closed. */
  sendBufferLimit: number;
  /** Largest WebSocket message accepted at all (bytes); the stanza limit applies inside it. */
  maxMessageBytes: number;
  /** Per-connection read rate (transports/read-throttle.ts). */
  readLimit?: ReadLimit;
  accept(transport: Transport): void;
  ready(): boolean;
}

export function startHttpServer(opts: HttpServerOptions): Promise<Listener> {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(opts.ready));

  const { tls } = opts;
  const server: HttpServer | HttpsServer = tls ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, app) : createHttpServer(app);
  if (tls) server.on('tlsClientError', () => {});
  const resolvePeer = peerResolver(opts.trustedProxies);
  const originAllowed = originPolicy(opts.allowedOrigins);
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
    if (!originAllowed(request.headers.origin)) {
      // RFC 6455 §4.2.2 step 4 / §10.2: an origin the server does not accept gets 403.
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const peer = resolvePeer(request, tls !== undefined);
    wss.handleUpgrade(request, socket, head, (ws) => {
      // RFC 5929 tls-server-end-point binds to our certificate only where our TLS ends here.
      opts.accept(new WebSocketTransport(ws, peer.remoteAddress, peer.secure, opts.stanzaLimit, opts.sendBufferLimit, tls?.endPoint, opts.readLimit));
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
