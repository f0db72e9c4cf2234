/**
 * One client stream from its header to its close: RFC 6120 §4 (streams), §5 (STARTTLS,
 * required), §6 (SASL), §7 (binding), §8 (stanzas), whatever the transport.
 */
import { randomBytes } from 'node:crypto';
import xml, { escapeXMLText, type Element } from '@xmpp/xml';
import {
  NS_BIND, NS_CLIENT, NS_SASL, NS_SESSION, NS_TLS, StreamError, iqResult, isValidResource, stanzaError,
  type StreamErrorCondition,
} from '@gatehouse/xmpp';
import type { Logger } from '@gatehouse/telemetry';
import type { Transport, TransportHandler } from '../transports/transport.ts';
import type { LocalSession } from '../routing/local-session.ts';
import { featuresXml, mechanismsFor } from './features.ts';
import { SaslNegotiation, type SaslStep } from '../auth/sasl-negotiation.ts';
import { routeOutbound, type OutboundContext } from './outbound.ts';
import { PresenceState } from './presence.ts';
import type { SessionEventSink } from './session-events.ts';
import type { CredentialLookup } from '../auth/credentials.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';

export interface SessionLimits {
  preAuthStanzaBytes: number;
  stanzaBytes: number;
  authTimeoutMs: number;
  maxAuthFailures: number;
}

export interface SessionDeps extends OutboundContext {
  replica: string;
  limits: SessionLimits;
  credentials: CredentialLookup;
  throttle: LoginThrottle;
  events: SessionEventSink;
  logger: Logger;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class C2sSession implements LocalSession, TransportHandler {
  readonly id = randomBytes(16).toString('base64url');
  bareJid: string | undefined;
  fullJid: string | undefined;
  private streamOpen = false;
  private announced = false;
  private authenticated = false;
  private routeRevision: number | undefined;
  private readonly presence: PresenceState;
  private sasl: SaslNegotiation | undefined;
  private authFailures = 0;
  private queue: Promise<void> = Promise.resolve();
  private ended = false;
  private readonly authTimer: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(
    private readonly transport: Transport,
    private readonly deps: SessionDeps,
  ) {
    this.log = deps.logger.child({ session: this.id });
    this.presence = new PresenceState(this, deps);
    this.authTimer = setTimeout(() => {
      if (!this.authenticated) void this.terminate('connection-timeout', 'authentication not completed in time');
    }, deps.limits.authTimeoutMs);
    this.authTimer.unref();
  }

  // --- TransportHandler -------------------------------------------------------------

  streamStart(attrs: Record<string, string>): void {
    this.openResponseHeader(attrs);
    if (!this.announced) {
      this.announced = true;
      this.deps.events.streamOpened({ sessionId: this.id, transport: this.transport.kind, clientIp: this.transport.remoteAddress, to: attrs.to });
    }
    if (attrs.to?.toLowerCase() !== this.deps.domain) {
      void this.terminate('host-unknown', `this server does not serve ${attrs.to ?? 'an unnamed domain'}`);
      return;
    }
    if (!attrs.version || !/^1\.\d+$/.test(attrs.version)) {
      void this.terminate('unsupported-version', 'XMPP 1.0 streams only');
      return;
    }
    this.transport.send(this.features());
  }

  stanza(element: Element): void {
    this.queue = this.queue.then(
      () => (this.ended ? undefined : this.handle(element)),
    ).catch((error: unknown) => {
      this.log.error({ err: error }, 'stanza handling failed');
      return this.terminate('internal-server-error');
    });
  }

  streamEnd(): void {
    // RFC 6120 §4.4: finish, answer with our own close, end the session.
    void this.end('closed-by-client').then(() => this.transport.closeStream());
  }

  streamFault(error: StreamError): void {
    void this.terminate(error.condition, error.text);
  }

  closed(): void {
    void this.end('connection-lost');
  }

  // --- LocalSession ------------------------------------------------------------------

  deliver(serialised: string): void {
    this.transport.send(serialised);
  }

  /** RFC 6120 §4.9.1.1: error, closing tag, close; §4.9.1.2: header first if none was sent. */
  async terminate(condition: StreamErrorCondition, text?: string): Promise<void> {
    if (this.ended) return;
    if (!this.streamOpen) this.openResponseHeader({});
    this.transport.send(this.transport.streamErrorXml(condition, text));
    await this.end(condition, condition);
    this.transport.closeStream();
  }

  // --- stanza handling ---------------------------------------------------------------

  private async handle(element: Element): Promise<void> {
    const ns = element.attrs.xmlns;
    if (this.transport.canStartTls) return this.beforeTls(element);
    if (!this.authenticated) {
      if (ns === NS_SASL) return this.saslElement(element);
      if (ns === NS_TLS && element.name === 'starttls') {
        // §5.4.2.2: STARTTLS again on a protected stream is a failure, then close.
        this.transport.send(`<failure xmlns='${NS_TLS}'/>`);
        return this.terminateQuietly('starttls-refused');
      }
      return this.terminate('not-authorized', 'authenticate first');
    }
    if (!isStanza(element)) return this.terminate('unsupported-stanza-type', `<${element.name}/> is not an XMPP stanza here`);
    const from = element.attrs.from;
    if (from && from !== this.fullJid && from !== this.bareJid) return this.terminate('invalid-from', 'from does not match your address');
    if (element.name === 'iq' && this.isBindRequest(element)) return this.bind(element);
    if (element.name === 'iq' && element.attrs.type === 'set' && element.getChild('session', NS_SESSION)) {
      return this.send(iqResult(element));
    }
    // §7.1: nothing but binding before a resource is bound.
    if (!this.fullJid || !this.bareJid) return this.terminate('not-authorized', 'bind a resource first');
    if (element.name === 'presence' && !element.attrs.to) return this.presence.fromClient(element);
    await routeOutbound(element, { fullJid: this.fullJid, bareJid: this.bareJid, reply: (stanza) => this.send(stanza) }, this.deps);
  }

  private async beforeTls(element: Element): Promise<void> {
    if (element.name === 'starttls' && element.attrs.xmlns === NS_TLS) {
      this.transport.send(`<proceed xmlns='${NS_TLS}'/>`);
      this.streamOpen = false;
      try {
        await this.transport.startTls();
      } catch (error) {
        this.log.info({ err: error }, 'TLS handshake failed');
        await this.end('tls-failed');
      }
      return;
    }
    if (element.name === 'auth' && element.attrs.xmlns === NS_SASL) {
      this.transport.send(`<failure xmlns='${NS_SASL}'><encryption-required/></failure>`);
      return;
    }
    return this.terminate('not-authorized', 'STARTTLS is required first');
  }

  private async saslElement(element: Element): Promise<void> {
    const mechanisms = mechanismsFor(this.transport.secure);
    if (element.name === 'auth') {
      this.sasl = new SaslNegotiation(this.deps.domain, this.deps.credentials, mechanisms);
      const text = element.text().trim();
      const initial = text === '' ? null : text === '=' ? Buffer.alloc(0) : decodeBase64(text);
      if (initial === undefined) return this.saslOutcome({ kind: 'failure', condition: 'incorrect-encoding' }, element.attrs.mechanism ?? '');
      return this.saslOutcome(await this.sasl.start(element.attrs.mechanism ?? '', initial), element.attrs.mechanism ?? '');
    }
    if (element.name === 'response' && this.sasl?.inProgress) {
      const text = element.text().trim();
      const data = text === '' || text === '=' ? Buffer.alloc(0) : decodeBase64(text);
      if (data === undefined) return this.saslOutcome({ kind: 'failure', condition: 'incorrect-encoding' }, this.sasl.mechanism ?? '');
      return this.saslOutcome(await this.sasl.respond(data), this.sasl.mechanism ?? '');
    }
    if (element.name === 'abort') return this.saslOutcome(this.sasl?.abort() ?? { kind: 'failure', condition: 'aborted' }, this.sasl?.mechanism ?? '');
    return this.terminate('not-authorized', 'unexpected SASL element');
  }

  private async saslOutcome(step: SaslStep, mechanism: string): Promise<void> {
    const clientIp = this.transport.remoteAddress;
    if (step.kind === 'challenge') {
      this.transport.send(`<challenge xmlns='${NS_SASL}'>${encodeBase64(step.data)}</challenge>`);
      return;
    }
    if (step.kind === 'success') {
      this.authenticated = true;
      this.bareJid = step.jid;
      clearTimeout(this.authTimer);
      this.deps.throttle.succeeded(clientIp, step.jid);
      this.deps.events.authenticationSucceeded({ sessionId: this.id, jid: step.jid, mechanism, clientIp });
      this.transport.setStanzaLimit(this.deps.limits.stanzaBytes);
      this.transport.restartStream();
      this.streamOpen = false;
      this.transport.send(`<success xmlns='${NS_SASL}'>${step.data ? encodeBase64(step.data) : ''}</success>`);
      return;
    }
    const account = step.username ? `${step.username}@${this.deps.domain}` : undefined;
    if (step.condition !== 'aborted') {
      this.authFailures++;
      this.deps.events.authenticationFailed({ sessionId: this.id, username: step.username, mechanism, clientIp, condition: step.condition });
      // Only wrong credentials are slowed down: a protocol slip is not a password guess.
      const delay = step.condition === 'not-authorized' ? this.deps.throttle.failed(clientIp, account) : 0;
      this.log.info({ mechanism, condition: step.condition, clientIp, delayMs: delay }, 'authentication failed');
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
    const text = step.text ? `<text xml:lang='en'>${escapeXMLText(step.text)}</text>` : '';
    this.transport.send(`<failure xmlns='${NS_SASL}'><${step.condition}/>${text}</failure>`);
    // §6.4.5: a reasonable number of retries, then the connection ends.
    if (this.authFailures >= this.deps.limits.maxAuthFailures) await this.terminateQuietly('too-many-failures');
  }

  private isBindRequest(iq: Element): boolean {
    return iq.attrs.type === 'set' && iq.getChild('bind', NS_BIND) !== undefined;
  }

  private async bind(iq: Element): Promise<void> {
    if (this.fullJid) return this.send(stanzaError(iq, 'not-allowed', { text: 'a resource is already bound to this stream' }));
    const requested = iq.getChild('bind', NS_BIND)?.getChildText('resource')?.trim();
    if (requested && !isValidResource(requested)) return this.send(stanzaError(iq, 'bad-request', { text: 'invalid resource' }));
    const resource = requested || randomBytes(9).toString('base64url');
    const fullJid = `${this.bareJid}/${resource}`;
    try {
      this.routeRevision = await this.deps.directory.claim(
        { fullJid, replica: this.deps.replica, sessionId: this.id, priority: 0, available: false },
        (route, condition) => this.deps.router.evict(route, condition),
      );
    } catch (error) {
      this.log.warn({ err: error }, 'binding failed');
      return this.send(stanzaError(iq, (error as { code?: string }).code === 'conflict' ? 'conflict' : 'internal-server-error'));
    }
    if (this.ended) {
      await this.deps.directory.release(fullJid, this.routeRevision).catch(() => {});
      return;
    }
    this.fullJid = fullJid;
    this.deps.router.local.set(this.id, this);
    this.deps.events.resourceBound({ sessionId: this.id, jid: fullJid });
    this.send(iqResult(iq, xml('bind', { xmlns: NS_BIND }, xml('jid', {}, fullJid))));
  }

  /** Keeps the route's revision current so releases and updates stay revision-checked. */
  async updateRoute(available: boolean, priority: number): Promise<void> {
    if (!this.fullJid || this.routeRevision === undefined) return;
    const revision = await this.deps.directory.update(
      { fullJid: this.fullJid, replica: this.deps.replica, sessionId: this.id, priority, available },
      this.routeRevision,
    );
    if (revision === undefined) {
      await this.terminate('conflict', 'this resource was taken by another session');
      return;
    }
    this.routeRevision = revision;
  }

  send(stanza: Element): void {
    if (!stanza.attrs.xmlns) stanza.attrs.xmlns = NS_CLIENT;
    this.transport.send(stanza.toString());
  }

  // --- teardown ----------------------------------------------------------------------

  private async terminateQuietly(reason: string): Promise<void> {
    await this.end(reason);
    this.transport.closeStream();
  }

  private async end(reason: string, streamError?: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.authTimer);
    const { fullJid, routeRevision } = this;
    if (fullJid) {
      this.deps.router.local.delete(this.id);
      await this.presence.ended().catch((error: unknown) => this.log.warn({ err: error }, 'could not broadcast unavailable presence'));
      if (routeRevision !== undefined) {
        await this.deps.directory.release(fullJid, routeRevision).catch((error: unknown) => this.log.warn({ err: error }, 'could not remove the route'));
      }
      this.deps.events.sessionEnded({ sessionId: this.id, jid: fullJid, reason });
    }
    this.deps.events.streamClosed({ sessionId: this.id, reason, streamError });
  }

  private openResponseHeader(attrs: Record<string, string>): void {
    const response: Record<string, string> = {
      from: this.deps.domain,
      id: randomBytes(16).toString('base64url'),
      version: '1.0',
      'xml:lang': 'en',
    };
    if (attrs.from) response.to = attrs.from;
    this.transport.openStream(response);
    this.streamOpen = true;
  }

  private features(): string {
    const body = featuresXml({
      canStartTls: this.transport.canStartTls,
      secure: this.transport.secure,
      authenticated: this.authenticated,
      mechanisms: mechanismsFor(this.transport.secure),
    });
    // RFC 7395 §3.3.3: each WebSocket message declares its own namespaces.
    return this.transport.kind === 'websocket'
      ? body.replace('<stream:features>', "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>")
      : body;
  }
}

function isStanza(element: Element): boolean {
  return element.attrs.xmlns === NS_CLIENT && (element.name === 'message' || element.name === 'presence' || element.name === 'iq');
}

function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  return BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}

function encodeBase64(data: Buffer): string {
  return data.length === 0 ? '=' : data.toString('base64');
}
