/**
 * One client stream from its header to its close: RFC 6120 §4 (streams), §5 (STARTTLS,
 * required), §6 (SASL), §7 (binding), §8 (stanzas), whatever the transport.
 */
import { randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import {
  NS_BIND, NS_CLIENT, NS_SASL, NS_SASL2, NS_SESSION, NS_TLS, StreamError, iqResult, isValidResource, stanzaError,
  type SaslFailure, type StreamErrorCondition,
} from '@gatehouse/xmpp';
import type { Logger } from '@gatehouse/telemetry';
import type { Transport, TransportHandler } from '../transports/transport.ts';
import type { LocalSession } from '../routing/local-session.ts';
import { featuresXml, mechanismsFor, withheldAuthentication } from './features.ts';
import { headerProblem, responseHeader } from './stream-header.ts';
import { LegacySasl } from './legacy-sasl.ts';
import { Sasl2Exchange } from './sasl2.ts';
import type { FastMechanism, TokenClient, UserAgent } from '../auth/token-client.ts';
import { routeOutbound, type OutboundContext } from './outbound.ts';
import { PresenceState } from './presence.ts';
import { resourceLimitExceeded } from './resource-limit.ts';
import type { SessionEventSink } from './session-events.ts';
import type { CredentialLookup } from '../auth/credentials.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { AddressSlots } from '../auth/address-slots.ts';
import { LoginGuard } from '../auth/login-guard.ts';

export interface SessionLimits {
  preAuthStanzaBytes: number;
  stanzaBytes: number;
  authTimeoutMs: number;
  maxAuthFailures: number;
  /** Resources one account may have bound at once, cluster-wide. */
  resourcesPerAccount: number;
  /** Largest broadcast presence stanza (bytes): it is held in KV while the session is available. */
  presenceBytes: number;
}

export interface SessionDeps extends OutboundContext {
  replica: string;
  limits: SessionLimits;
  credentials: CredentialLookup;
  tokens: TokenClient;
  /** ENFORCE_CLIENT_IDS: every login must name its client (SASL2 user-agent id). */
  enforceClientIds: boolean;
  throttle: LoginThrottle;
  authSlots: AddressSlots;
  /** C2S_MAX_PREAUTH_CONNECTIONS_PER_IP: connections per address not yet authenticated. */
  unauthenticatedConnections: AddressSlots;
  events: SessionEventSink;
  /** Stream errors we sent, by condition (the metrics endpoint's stream_errors_total). */
  streamErrors: { inc(condition: StreamErrorCondition): void };
  logger: Logger;
}

export class C2sSession implements LocalSession, TransportHandler {
  readonly id = randomBytes(16).toString('base64url');
  bareJid: string | undefined;
  fullJid: string | undefined;
  private streamOpen = false;
  private announced = false;
  private authenticated = false;
  private routeRevision: number | undefined;
  private readonly presence: PresenceState;
  private legacySasl: LegacySasl | undefined;
  private sasl2: Sasl2Exchange | undefined;
  /** How this stream authenticated; later issues list and revoke clients by it. */
  login: { mechanism: string; method: 'password' | 'fast'; clientId?: string; userAgent?: UserAgent } | undefined;
  private authFailures = 0;
  private readonly guard: LoginGuard;
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
    this.guard = new LoginGuard(transport.remoteAddress, deps);
    if (!this.guard.admitted) {
      // RFC 6120 §4.9.1.2: the error may come before the client's header, behind our own.
      setImmediate(() => void this.terminate('policy-violation', 'too many unauthenticated connections from your address'));
    }
  }

  // --- TransportHandler -------------------------------------------------------------

  streamStart(attrs: Record<string, string>): void {
    this.openResponseHeader(attrs);
    if (!this.announced) {
      this.announced = true;
      this.deps.events.streamOpened({ sessionId: this.id, transport: this.transport.kind, clientIp: this.transport.remoteAddress, to: attrs.to });
    }
    const problem = headerProblem(attrs, this.deps.domain);
    if (problem) {
      void this.terminate(problem.condition, problem.text);
      return;
    }
    if (!this.transport.canStartTls && !this.authenticated) this.explainOffer();
    this.transport.send(this.features());
  }

  stanza(element: Element, resume?: () => void): void {
    this.queue = this.queue.then(
      () => (this.ended ? undefined : this.handle(element)),
    ).catch((error: unknown) => {
      this.log.error({ err: error }, 'stanza handling failed');
      return this.terminate('internal-server-error');
    }).finally(resume);
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
  async terminate(condition: StreamErrorCondition, text?: string, reason: string = condition): Promise<void> {
    if (this.ended) return;
    this.log.info({ condition, text, transport: this.transport.kind, clientIp: this.transport.remoteAddress }, 'stream error');
    this.deps.streamErrors.inc(condition);
    if (!this.streamOpen) this.openResponseHeader({});
    // The closing tag goes right behind the error, before any clean-up awaits: a client
    // tearing down on the error must not receive stray bytes afterwards.
    this.transport.send(this.transport.streamErrorXml(condition, text));
    this.transport.closeStream();
    await this.end(reason, condition);
  }

  // --- stanza handling ---------------------------------------------------------------

  private async handle(element: Element): Promise<void> {
    const ns = element.attrs.xmlns;
    if (this.sasl2?.awaitingResponse && !(ns === NS_SASL2 && (element.name === 'response' || element.name === 'abort'))) {
      // 388-08: during an exchange only <response/> or <abort/>; anything else disconnects.
      return this.terminate('policy-violation', 'only <response/> or <abort/> during SASL2 authentication');
    }
    if (this.transport.canStartTls) return this.beforeTls(element);
    if (!this.authenticated) {
      if (ns === NS_SASL) return (this.legacySasl ??= new LegacySasl(this.authHost())).handle(element);
      if (ns === NS_SASL2 && this.sasl2Offered()) {
        await (this.sasl2 ??= new Sasl2Exchange(this.sasl2Host())).handle(element);
        if (this.sasl2.awaitingResponse) this.transport.expectElementNext();
        return;
      }
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
    await routeOutbound(element, { fullJid: this.fullJid, bareJid: this.bareJid, clientId: this.login?.clientId, reply: (stanza) => this.send(stanza) }, this.deps);
  }

  private async beforeTls(element: Element): Promise<void> {
    if (element.name === 'starttls' && element.attrs.xmlns === NS_TLS) {
      this.transport.send(`<proceed xmlns='${NS_TLS}'/>`);
      this.streamOpen = false;
      try {
        const { discardedBytes } = await this.transport.startTls();
        if (discardedBytes > 0) this.log.info({ clientIp: this.transport.remoteAddress, discardedBytes }, 'plaintext sent after <starttls/> discarded');
      } catch (error) {
        this.log.info({ err: error }, 'TLS handshake failed');
        await this.end('tls-failed');
      }
      return;
    }
    if (element.name === 'auth' && element.attrs.xmlns === NS_SASL) {
      this.transport.discardPipelined();
      this.transport.send(`<failure xmlns='${NS_SASL}'><encryption-required/></failure>`);
      // Counted like a failed attempt, or a client could repeat it until the auth timeout.
      if (++this.authFailures >= this.deps.limits.maxAuthFailures) await this.terminateQuietly('too-many-failures');
      return;
    }
    return this.terminate('not-authorized', 'STARTTLS is required first');
  }

  private isBindRequest(iq: Element): boolean {
    return iq.attrs.type === 'set' && iq.getChild('bind', NS_BIND) !== undefined;
  }

  private async bind(iq: Element): Promise<void> {
    if (this.fullJid) return this.send(stanzaError(iq, 'not-allowed', { text: 'a resource is already bound to this stream' }));
    const requested = iq.getChild('bind', NS_BIND)?.getChildText('resource')?.trim();
    if (requested && !isValidResource(requested)) return this.send(stanzaError(iq, 'bad-request', { text: 'invalid resource' }));
    const bound = await this.bindResource(requested || randomBytes(9).toString('base64url'));
    if ('condition' in bound) return this.send(stanzaError(iq, bound.condition, { text: bound.text }));
    this.send(iqResult(iq, xml('bind', { xmlns: NS_BIND }, xml('jid', {}, bound.fullJid))));
  }

  /** Claims the full JID cluster-wide (RFC 6120 §7.7.2.2: the older holder is closed). */
  private async bindResource(resource: string): Promise<{ fullJid: string } | { condition: 'conflict' | 'internal-server-error' | 'resource-constraint'; text?: string }> {
    const fullJid = `${this.bareJid}/${resource}`;
    const exceeded = resourceLimitExceeded(this.deps.directory.table, fullJid, this.deps.limits.resourcesPerAccount);
    if (exceeded) {
      this.log.info({ jid: this.bareJid, limit: this.deps.limits.resourcesPerAccount }, 'bind refused: too many resources');
      return exceeded;
    }
    let revision: number;
    try {
      revision = await this.deps.directory.claim(
        { fullJid, replica: this.deps.replica, sessionId: this.id, priority: 0, available: false },
        (route, condition) => this.deps.router.evict(route, condition),
      );
    } catch (error) {
      this.log.warn({ err: error }, 'binding failed');
      return { condition: (error as { code?: string }).code === 'conflict' ? 'conflict' : 'internal-server-error' };
    }
    if (this.ended) {
      await this.deps.directory.release(fullJid, revision).catch(() => {});
      return { condition: 'internal-server-error' };
    }
    this.routeRevision = revision;
    this.fullJid = fullJid;
    this.deps.router.local.set(this.id, this);
    this.deps.events.resourceBound({ sessionId: this.id, jid: fullJid });
    return { fullJid };
  }

  // --- authentication ----------------------------------------------------------------

  private sasl2Offered(): boolean {
    return this.transport.secure;
  }

  private fastMechanisms(): FastMechanism[] {
    return this.transport.channelBinding() ? ['HT-SHA-256-NONE', 'HT-SHA-256-ENDP'] : ['HT-SHA-256-NONE'];
  }

  private authenticatedAs(outcome: { jid: string; mechanism: string; method: 'password' | 'fast'; clientId?: string; userAgent?: UserAgent }): void {
    const clientIp = this.transport.remoteAddress;
    this.authenticated = true;
    this.bareJid = outcome.jid;
    this.login = { mechanism: outcome.mechanism, method: outcome.method, clientId: outcome.clientId, userAgent: outcome.userAgent };
    clearTimeout(this.authTimer);
    this.guard.succeeded(outcome.jid);
    this.deps.events.authenticationSucceeded({
      sessionId: this.id,
      jid: outcome.jid,
      mechanism: outcome.mechanism,
      clientIp,
      method: outcome.method,
      clientId: outcome.clientId,
      userAgent: outcome.userAgent,
    });
    this.transport.setStanzaLimit(this.deps.limits.stanzaBytes);
    this.transport.authenticated();
  }

  /** Counts, reports and slows down a failed attempt; the caller sends the `<failure/>`. */
  private async authenticationFailed(step: { condition: SaslFailure['condition']; username?: string; mechanism: string; reason?: string }): Promise<void> {
    // Only wrong credentials are slowed down: a protocol slip is not a password guess.
    this.guard.failed(step.username, step.condition === 'not-authorized' || step.condition === 'credentials-expired');
    if (step.condition === 'aborted') return;
    const clientIp = this.transport.remoteAddress;
    this.authFailures++;
    this.deps.events.authenticationFailed({ sessionId: this.id, username: step.username, mechanism: step.mechanism, clientIp, condition: step.condition, reason: step.reason });
    this.log.info({ mechanism: step.mechanism, condition: step.condition, reason: step.reason, clientIp, delayMs: this.guard.delayMs }, 'authentication failed');
    // RFC 6120 §6.4.5: a reasonable number of retries, then the connection ends.
    if (this.authFailures >= this.deps.limits.maxAuthFailures) setImmediate(() => void this.terminateQuietly('too-many-failures'));
  }

  private authHost() {
    return {
      domain: this.deps.domain,
      credentials: this.deps.credentials,
      mechanisms: mechanismsFor(this.transport.secure),
      enforceClientIds: this.deps.enforceClientIds,
      send: (data: string) => this.transport.send(data),
      authenticated: (outcome: { jid: string; mechanism: string; method: 'password' }) => {
        this.authenticatedAs(outcome);
        // RFC 6120 §6.4.6: the client restarts the stream after <success/>.
        this.transport.restartStream();
        this.streamOpen = false;
      },
      failed: (step: Parameters<C2sSession['authenticationFailed']>[0]) => {
        // XEP-0305 pipelining: what the client sent behind <auth/> assumed success.
        this.transport.discardPipelined();
        return this.authenticationFailed(step);
      },
      admit: () => this.guard.admitAttempt(),
      settle: (who: { jid?: string; username?: string }) => this.guard.settle(who),
    };
  }

  private sasl2Host() {
    return {
      domain: this.deps.domain,
      passwordMechanisms: mechanismsFor(this.transport.secure),
      fastMechanisms: this.fastMechanisms(),
      enforceClientIds: this.deps.enforceClientIds,
      credentials: this.deps.credentials,
      tokens: this.deps.tokens,
      log: this.log,
      channelBinding: () => this.transport.channelBinding(),
      send: (data: string) => this.transport.send(data),
      authenticated: (outcome: Parameters<C2sSession['authenticatedAs']>[0]) => this.authenticatedAs(outcome),
      failed: (step: Parameters<C2sSession['authenticationFailed']>[0]) => this.authenticationFailed(step),
      admit: () => this.guard.admitAttempt(),
      settle: (who: { jid?: string; username?: string }) => this.guard.settle(who),
      bindResource: (resource: string) => this.bindResource(resource),
      featuresAfterAuthentication: () => this.features(),
    };
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
    this.guard.release();
    const { fullJid, routeRevision } = this;
    if (fullJid) {
      this.deps.router.local.delete(this.id);
      await this.presence.ended().catch((error: unknown) => this.log.warn({ err: error }, 'could not broadcast unavailable presence'));
      if (routeRevision !== undefined) {
        await this.deps.directory.release(fullJid, routeRevision).catch((error: unknown) => this.log.warn({ err: error }, 'could not remove the route'));
      }
      this.deps.events.sessionEnded({ sessionId: this.id, jid: fullJid, reason, status: this.presence.lastStatus });
    }
    this.deps.events.streamClosed({ sessionId: this.id, reason, streamError });
  }

  private openResponseHeader(attrs: Record<string, string>): void {
    this.transport.openStream(responseHeader(attrs, this.deps.domain));
    this.streamOpen = true;
  }

  private features(): string {
    const body = featuresXml({
      canStartTls: this.transport.canStartTls,
      authenticated: this.authenticated,
      bound: this.fullJid !== undefined,
      mechanisms: this.deps.enforceClientIds ? [] : mechanismsFor(this.transport.secure),
      sasl2: this.sasl2Offered() ? Sasl2Exchange.advertisement(mechanismsFor(this.transport.secure), this.fastMechanisms()) : '',
    });
    // RFC 7395 §3.3.3: each WebSocket message declares its own namespaces.
    return this.transport.kind === 'websocket'
      ? body.replace(/^<stream:features/, "<stream:features xmlns:stream='http://etherx.jabber.org/streams'")
      : body;
  }

  private explainOffer(): void {
    const { kind, secure } = this.transport;
    for (const { what, why, level } of withheldAuthentication({ kind, secure, channelBinding: this.transport.channelBinding() !== undefined, enforceClientIds: this.deps.enforceClientIds })) {
      this.log[level]({ clientIp: this.transport.remoteAddress }, `${what} not offered: ${why}`);
    }
  }
}

function isStanza(element: Element): boolean {
  return element.attrs.xmlns === NS_CLIENT && (element.name === 'message' || element.name === 'presence' || element.name === 'iq');
}

function encodeBase64(data: Buffer): string {
  return data.length === 0 ? '=' : data.toString('base64');
}
