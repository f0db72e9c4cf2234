import type { Connection } from './connection.ts';

export const NS_MANAGE_CLIENTS = 'xmpp:prosody.im/protocol/manage-clients';

let counter = 0;

export interface IqReply {
  type: string;
  xml: string;
  /** From the write of the request to the end of the reply, ms. */
  ms: number;
}

/** Sends an IQ with a fresh id and waits for the reply with that id (anything before it is skipped). */
export async function iq(conn: Connection, type: 'get' | 'set', payload: string, timeoutMs = 10_000): Promise<IqReply> {
  const id = `b${++counter}`;
  const reply = new RegExp(`<iq\\b[^>]*\\bid=['"]${id}['"][^>]*?(?:/>|>[\\s\\S]*?</iq>)`);
  const started = performance.now();
  conn.write(`<iq type='${type}' id='${id}'>${payload}</iq>`);
  const match = await conn.expect(reply, timeoutMs);
  const ms = performance.now() - started;
  return { type: /\btype=['"]([^'"]+)['"]/.exec(match[0])?.[1] ?? '', xml: match[0], ms };
}

export interface ListedClient {
  id: string;
  connected: boolean;
  device?: string;
}

/** The `<client>` entries of a manage-clients `<list/>` result. */
export function parseClients(xml: string): ListedClient[] {
  return [...xml.matchAll(/<client\b([^>]*)>([\s\S]*?)<\/client>/g)].map((match) => ({
    id: /\bid=['"]([^'"]+)['"]/.exec(match[1]!)?.[1] ?? '',
    connected: /\bconnected=['"]true['"]/.test(match[1]!),
    device: /<device>([^<]*)<\/device>/.exec(match[2]!)?.[1],
  }));
}

export const listClients = (conn: Connection, timeoutMs?: number) => iq(conn, 'get', `<list xmlns='${NS_MANAGE_CLIENTS}'/>`, timeoutMs);

/** The server does not do what a figure measures: the figure is skipped, not failed. */
export class NotSupportedError extends Error {
  readonly code = 'not-supported';
  constructor(message: string) {
    super(message);
    this.name = 'NotSupportedError';
  }
}

/** Asks for the client list the way a client would; an error reply means the server has no client management. */
export async function requireClientManagement(conn: Connection, server: string): Promise<IqReply> {
  const reply = await listClients(conn);
  if (reply.type === 'result') return reply;
  const condition = /<error\b[^>]*>\s*<([a-z-]+)/.exec(reply.xml)?.[1] ?? 'an error';
  throw new NotSupportedError(`${server} answers the manage-clients <list/> with ${condition}`);
}
