/**
 * Logins of the load client: XEP-0388 SASL2 with SCRAM-SHA-256 or XEP-0484 FAST
 * (HT-SHA-256-NONE), each with a XEP-0386 Bind 2 request, on direct TLS. Both servers
 * answer `<success>` followed by the stream features, with no stream restart.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Connection, ProtocolError, type Endpoint } from './connection.ts';
import { ScramClient, type ScramKeyCache } from './scram.ts';

const NS_SASL2 = 'urn:xmpp:sasl:2';
const NS_BIND2 = 'urn:xmpp:bind:0';
const NS_FAST = 'urn:xmpp:fast:0';

const FEATURES = /<\/stream:features>|<stream:features\/>/;
const CHALLENGE_OR_FAILURE = /<challenge\b[^>]*>([^<]*)<\/challenge>|<failure\b[\s\S]*?<\/failure>|<stream:error[\s\S]*?<\/stream:error>/;
const OUTCOME = /<success\b[^>]*>([\s\S]*?)<\/success>[\s\S]*?(?:<\/stream:features>|<stream:features\/>)|<failure\b[\s\S]*?<\/failure>|<stream:error[\s\S]*?<\/stream:error>/;

export class LoginFailedError extends Error {
  readonly code = 'login-failed';
  constructor(user: string, answer: string) {
    super(`login of ${user} failed: ${answer.slice(0, 300)}`);
    this.name = 'LoginFailedError';
  }
}

export interface Account {
  /** Local part; the JID is `<user>@<domain>`. */
  user: string;
  password: string;
}

export interface LoginRequest {
  endpoint: Endpoint;
  account: Account;
  /** The XEP-0388 `<user-agent id>`: FAST tokens and Bind 2 resources belong to it. */
  clientId: string;
  /** Bind 2 `<tag>`: with the client id it names the resource, so distinct tags give distinct sessions. */
  tag?: string;
  /** The `<device>` of the user agent (default `load client`): how a client is found in a listing. */
  device?: string;
  /** Ask for a FAST token in the same exchange (`<request-token>`). */
  requestToken?: boolean;
}

export interface Session {
  conn: Connection;
  /** The full JID the server bound. */
  jid: string;
  /** The FAST token, when one was asked for (or handed out on rotation). */
  token?: string;
  /** From the start of TCP connect to the stream features after `<success>`, in ms. */
  loginMs: number;
}

const header = (domain: string, from: string) =>
  `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}' from='${from}' version='1.0' xml:lang='en'>`;

function inline(request: LoginRequest, fast: boolean): string {
  const agent = `<user-agent id='${request.clientId}'><software>gatehouse-bench</software><device>${request.device ?? 'load client'}</device></user-agent>`;
  const bind = `<bind xmlns='${NS_BIND2}'><tag>${request.tag ?? 'bench'}</tag></bind>`;
  const token = request.requestToken ? `<request-token xmlns='${NS_FAST}' mechanism='HT-SHA-256-NONE'/>` : '';
  // Prosody switches to its token handler only on `<fast/>`; Gatehouse accepts it too.
  return `${agent}${bind}${token}${fast ? `<fast xmlns='${NS_FAST}'/>` : ''}`;
}

async function openStream(request: LoginRequest): Promise<{ conn: Connection; started: number }> {
  const started = performance.now();
  const { endpoint, account } = request;
  const conn = await Connection.open(endpoint);
  conn.write(header(endpoint.domain, `${account.user}@${endpoint.domain}`));
  await conn.expect(FEATURES);
  return { conn, started };
}

function finish(request: LoginRequest, conn: Connection, started: number, outcome: RegExpExecArray): Session & { additionalData?: string } {
  if (outcome[1] === undefined) {
    conn.destroy();
    throw new LoginFailedError(request.account.user, outcome[0]);
  }
  const body = outcome[1];
  const jid = /<authorization-identifier>([^<]+)</.exec(body)?.[1];
  if (!jid || !/<bound\b/.test(body)) {
    conn.destroy();
    throw new ProtocolError(`success without a Bind 2 resource: ${body.slice(0, 300)}`);
  }
  return {
    conn,
    jid,
    token: /<token\b[^>]*\btoken=['"]([^'"]+)['"]/.exec(body)?.[1],
    additionalData: /<additional-data>([^<]*)</.exec(body)?.[1],
    loginMs: performance.now() - started,
  };
}

/** TLS, SASL2 SCRAM-SHA-256 (two round trips), Bind 2. */
export async function passwordLogin(request: LoginRequest, cache: ScramKeyCache): Promise<Session> {
  const { conn, started } = await openStream(request);
  try {
    const scram = new ScramClient(cache, request.account.user, request.account.password);
    const first = Buffer.from(scram.first()).toString('base64');
    conn.write(`<authenticate xmlns='${NS_SASL2}' mechanism='SCRAM-SHA-256'><initial-response>${first}</initial-response>${inline(request, false)}</authenticate>`);
    const challenge = await conn.expect(CHALLENGE_OR_FAILURE);
    if (challenge[1] === undefined) throw new LoginFailedError(request.account.user, challenge[0]);
    const final = scram.final(Buffer.from(challenge[1], 'base64').toString());
    conn.write(`<response xmlns='${NS_SASL2}'>${Buffer.from(final).toString('base64')}</response>`);
    const session = finish(request, conn, started, await conn.expect(OUTCOME));
    scram.verify(Buffer.from(session.additionalData ?? '', 'base64').toString());
    return session;
  } catch (error) {
    conn.destroy();
    throw error;
  }
}

const htProof = (token: string, label: 'Initiator' | 'Responder') => createHmac('sha256', token).update(label).digest();

/** TLS, one SASL2 round trip with HT-SHA-256-NONE (draft-schmaus-kitten-sasl-ht), Bind 2. */
export async function fastLogin(request: LoginRequest, token: string): Promise<Session> {
  const { conn, started } = await openStream(request);
  try {
    const initial = Buffer.concat([Buffer.from(`${request.account.user}\0`), htProof(token, 'Initiator')]).toString('base64');
    conn.write(`<authenticate xmlns='${NS_SASL2}' mechanism='HT-SHA-256-NONE'><initial-response>${initial}</initial-response>${inline(request, true)}</authenticate>`);
    const session = finish(request, conn, started, await conn.expect(OUTCOME));
    const proof = Buffer.from(session.additionalData ?? '', 'base64');
    const expected = htProof(token, 'Responder');
    if (proof.length !== expected.length || !timingSafeEqual(proof, expected)) throw new ProtocolError('FAST responder proof does not match');
    return session;
  } catch (error) {
    conn.destroy();
    throw error;
  }
}
