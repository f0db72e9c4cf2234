import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TlsMaterial } from '../tls/index.ts';
import type { AddressInfo } from 'node:net';
import { StreamTransport } from './stream-transport.ts';
import type { Transport } from './transport.ts';
import type { ReadLimit } from './read-throttle.ts';

export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

export interface ListenerOptions {
  host: string;
  port: number;
  tls: TlsMaterial;
  stanzaLimit: number;
  /** C2S_SEND_BUFFER_LIMIT: bytes a client may leave unread before its stream is closed. */
  sendBufferLimit: number;
  /** How long the first answer after a TLS 1.3 handshake is held (ms; stream-transport.ts). */
  firstAnswerDelayMs?: number;
  /** Per-connection read rate (read-throttle.ts); undefined reads unthrottled. */
  readLimit?: ReadLimit;
  accept(t: Transport): void;
}

/** 5222: plain TCP, STARTTLS required before anything else (RFC 6120 §5.3.1). */
export function listenStartTls(opts: ListenerOptions): Promise<Listener> {
  const server = createTcpServer((socket) => opts.accept(new StreamTransport(socket, 'tcp', opts.tls, opts.stanzaLimit, opts.sendBufferLimit, opts.firstAnswerDelayMs, opts.readLimit)));
  return listen(server, opts.host, opts.port);
}

/** 5223: TLS from the first byte (XEP-0368 direct TLS). */
export function listenDirectTls(opts: ListenerOptions): Promise<Listener> {
  const server = createTlsServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2', ALPNProtocols: ['xmpp-client'] }, (socket) =>
    opts.accept(new StreamTransport(socket, 'tls', opts.tls, opts.stanzaLimit, opts.sendBufferLimit, opts.firstAnswerDelayMs, opts.readLimit)),
  );
  server.on('tlsClientError', () => {});
  return listen(server, opts.host, opts.port);
}

export function listen(server: Server, host: string, port: number): Promise<Listener> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
          }),
      });
    });
  });
}
