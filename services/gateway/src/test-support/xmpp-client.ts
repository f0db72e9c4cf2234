import { once } from 'node:events';
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
  /** The FAST token the server issued on this login, if any. */
  fastToken(): FastToken | undefined;
  /** Resolves with the next stanza matching the predicate. */
  next(predicate: (stanza: Element) => boolean, timeoutMs?: number): Promise<Element>;
  stop(): Promise<void>;
}

export interface ClientOptions {
  service: string;
  username: string;
  password?: string;
  resource?: string;
  /** XEP-0388 client id; @xmpp/client makes a random one per client when absent. */
  clientId?: string;
  /** A FAST token from an earlier login (XEP-0484) to log in with instead of the password. */
  fastToken?: FastToken;
}

export interface FastToken {
  mechanism: string;
  token: string;
  expiry: string;
}

export async function connectClient(opts: ClientOptions): Promise<ConnectedClient> {
  // @types/xmpp__client 0.14 lacks `userAgent`, which @xmpp/client 0.14 reads.
  const xmpp = xmppClient({
    service: opts.service,
    domain: 'localhost',
    // @xmpp/client waits 2 s for each step by default; CI machines are busier than that.
    timeout: 10_000,
    username: opts.username,
    password: opts.password,
    resource: opts.resource,
    ...{ userAgent: opts.clientId ? xml('user-agent', { id: opts.clientId }, xml('software', {}, 'gatehouse-tests'), xml('device', {}, 'ci')) : undefined },
  } as Parameters<typeof xmppClient>[0]);
  // @xmpp/client 0.14 drops its XML parser as soon as it handles a stream error, then
  // still feeds it the server's closing tag when that arrives in a later TLS record:
  // "Cannot read properties of null (reading 'write')" from a socket callback, which
  // fails the test file. Bytes after the teardown have nowhere to go anyway.
  const client = xmpp as unknown as { parser: unknown; _onData(data: Buffer): void };
  const onData = client._onData.bind(xmpp);
  client._onData = (data) => {
    if (client.parser) onData(data);
  };
  listenBeforeOpening(xmpp);
  let savedToken = opts.fastToken;
  xmpp.fast.fetchToken = async () => savedToken;
  xmpp.fast.saveToken = async (token: FastToken) => {
    savedToken = token;
  };
  xmpp.fast.deleteToken = async () => {
    savedToken = undefined;
  };
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
    fastToken: () => savedToken,
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
      if (xmpp.status === 'offline') return;
      await xmpp.stop().catch(() => {});
    },
  };
}

export { xml };

interface OpeningConnection {
  open(options: { domain: string; lang?: string }): Promise<unknown>;
  _status(status: string): void;
  _attachParser(parser: unknown): void;
  headerElement(): Element;
  header(element: Element): string;
  write(data: string): Promise<void>;
  root: Element;
  timeout: number;
  Parser: new () => unknown;
}

/**
 * @xmpp/connection 0.14 `open()` awaits the write callback of its stream header before it
 * listens for the server's header (xmppjs/xmpp.js#570). Over TLS that callback can come
 * after the server has answered, and then `start()` times out on a session that is in fact
 * online: about one direct-TLS login in twelve here. The same steps, listening first.
 */
function listenBeforeOpening(xmpp: Client): void {
  const connection = xmpp as unknown as OpeningConnection;
  connection.open = async ({ domain, lang }) => {
    connection._status('opening');
    const header = connection.headerElement();
    header.attrs.to = domain;
    header.attrs['xml:lang'] = lang;
    connection.root = header;
    connection._attachParser(new connection.Parser());
    const opened = once(xmpp, 'open', { signal: AbortSignal.timeout(connection.timeout) });
    await connection.write(connection.header(header));
    return (await opened)[0];
  };
}
