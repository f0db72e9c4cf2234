import { client as xmppClient, xml, type Client } from '@xmpp/client';
import type { Element } from '@xmpp/xml';

import { WebSocket } from 'ws';

/** The gateway's certificate is self-signed in tests. */
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
// @xmpp/websocket uses the WHATWG global, which Node gets only in version 22.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export interface ConnectedClient {
  xmpp: Client;
  jid: string;
  /** Resolves with the next stanza matching the predicate. */
  next(predicate: (stanza: Element) => boolean, timeoutMs?: number): Promise<Element>;
  stop(): Promise<void>;
}

export async function connectClient(opts: { service: string; username: string; password: string; resource?: string }): Promise<ConnectedClient> {
  const xmpp = xmppClient({ service: opts.service, domain: 'localhost', username: opts.username, password: opts.password, resource: opts.resource });
  xmpp.reconnect.stop();
  const received: Element[] = [];
  const waiters = new Set<() => void>();
  xmpp.on('stanza', (stanza: Element) => {
    received.push(stanza);
    for (const waiter of waiters) waiter();
  });
  xmpp.on('error', () => {});
  const address = await xmpp.start();
  return {
    xmpp,
    jid: address.toString(),
    next: (predicate, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const index = received.findIndex(predicate);
          if (index < 0) return false;
          const [stanza] = received.splice(index, 1);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(stanza!);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching stanza within ${timeoutMs} ms; got ${received.map(String).join('\n')}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    stop: async () => {
      await xmpp.stop().catch(() => {});
    },
  };
}

export { xml };
