/**
 * One client stream from its header to its close, whatever the transport: RFC 6120 §4
 * (streams), §5 (STARTTLS, required), §6 (SASL), §7 (binding), §8 (stanzas). Its protocol
 * state is one value (stream-state.ts); what each element may do in it is decided in
 * stream-rules.ts, and this class carries the steps out.
 */
import { randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { NS_BIND, NS_CLIENT, NS_SASL, NS_TLS, StreamError, iqResult, stanzaError, type StreamErrorCondition } from '@gatehouse/xmpp';
import type { Logger } from '@gatehouse/telemetry';
import type { Transport, TransportHandler } from '../transports/transport.ts';
import type { LocalSession } from '../routing/local-session.ts';
import { streamFeatures, logWithheld } from './stream-features.ts';
import { headerProblem, responseHeader } from './stream-header.ts';
import { LegacySasl } from './legacy-sasl.ts';
import { Sasl2Exchange } from './sasl2.ts';
import { routeOutbound } from './outbound.ts';
import type { SessionDeps } from './session-deps.ts';
import { PresenceState } from './presence.ts';
import { LoginGuard } from '../auth/login-guard.ts';
import * as stream from './stream-state.ts';
import { unreachable } from './unreachable.ts';
import type { Authenticated, Authenticating, BeforeTls, Bound, StreamState } from './stream-state.ts';
import { REFUSALS, authenticatedStep, authenticatingStep, beforeTlsStep, boundStep, type Refusal } from './stream-rules.ts';
import { legacySaslHost, loginFailed, loginSucceeded, sasl2Host, type FailedStep, type LoginContext, type LoginOutcome, type LoginOwner } from './login-hosts.ts';
import { claimResource, nameClient, requestedResource, type BindRefusal } from './binding.ts';
import { establishedOf } from './session-events.ts';
import { tearDown } from './teardown.ts';

export type { SessionDeps, SessionLimits } from './session-deps.ts';

export class C2sSession implements LocalSession, TransportHandler {
  readonly id = randomBytes(16).toString('base64url');
  /** The stream's protocol state, changed only through stream-state.ts's transitions. */
  private state: StreamState;
  private readonly guard: LoginGuard;
  private queue: Promise<void> = Promise.resolve();
  private readonly authTimer: NodeJS.Timeout;
  private readonly log: Logger;
  private readonly loginContext: LoginContext;

  constructor(
    private readonly transport: Transport,
    private readonly deps: SessionDeps,
  ) {
    this.log = deps.logger.child({ session: this.id });
    this.state = stream.initialState(transport.canStartTls, { transport: transport.kind, clientIp: transport.remoteAddress, openedAt: new Date().toISOString() });
    this.authTimer = setTimeout(() => {
      if (!stream.authenticatedPart(this.state)) void this.terminate('connection-timeout', 'authentication not completed in time');
    }, deps.limits.authTimeoutMs);
    this.authTimer.unref();
    this.guard = new LoginGuard(transport.remoteAddress, deps);
    this.loginContext = { sessionId: this.id, transport, deps, log: this.log, guard: this.guard };
    if (!this.guard.admitted) {
      // RFC 6120 §4.9.1.2: the error may come before the client's header, behind our own.
      setImmediate(() => void this.terminate('policy-violation', 'too many unauthenticated connections from your address'));
    }
  }

  get bareJid(): string | undefined {
    return stream.authenticatedPart(this.state)?.bareJid;
  }

  get fullJid(): string | undefined {
    return stream.boundPart(this.state)?.fullJid;
  }

  /** The client this stream belongs to: as named at binding, or its `<user-agent id>` before. */
  get clientId(): string | undefined {
    return stream.boundPart(this.state)?.clientId ?? stream.authenticatedPart(this.state)?.login.clientId;
  }

  // --- TransportHandler -------------------------------------------------------------

  streamStart(attrs: Record<string, string>): void {
    // §4.4: a closing stream answers nothing more.
    if (this.state.kind === 'closing') return;
    this.openResponseHeader(attrs);
    const problem = headerProblem(attrs, this.deps.domain);
    if (problem) {
      void this.terminate(problem.condition, problem.text);
      return;
    }
    if (this.state.kind === 'authenticating') logWithheld(this.transport, this.deps.enforceClientIds, this.log);
    this.transport.send(this.features());
  }

  stanza(element: Element, resume?: () => void): void {
    this.queue = this.queue.then(
      () => (this.state.kind === 'closing' ? undefined : this.handle(element)),
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
    if (this.state.kind === 'closing') return;
    this.log.info({ condition, text, transport: this.transport.kind, clientIp: this.transport.remoteAddress }, 'stream error');
    this.deps.streamErrors.inc(condition);
    if (stream.headerOf(this.state) !== 'open') this.openResponseHeader({});
    // The closing tag goes right behind the error, before any clean-up awaits: a client
    // tearing down on the error must not receive stray bytes afterwards.
    this.transport.send(this.transport.streamErrorXml(condition, text));
    this.transport.closeStream();
    await this.end(reason, condition);
  }

  /** Keeps the route's revision current so releases and updates stay revision-checked. */
  async updateRoute(available: boolean, priority: number): Promise<void> {
    const bound = stream.boundPart(this.state);
    if (!bound) return;
    const revision = await this.deps.directory.update(
      { fullJid: bound.fullJid, replica: this.deps.replica, sessionId: this.id, priority, available },
      bound.routeRevision,
    );
    if (revision === undefined) {
      await this.terminate('conflict', 'this resource was taken by another session');
      return;
    }
    bound.routeRevision = revision;
  }

  send(stanza: Element): void {
    if (!stanza.attrs.xmlns) stanza.attrs.xmlns = NS_CLIENT;
    this.transport.send(stanza.toString());
  }

  // --- elements, by state ------------------------------------------------------------

  private async handle(element: Element): Promise<void> {
    const state = this.state;
    switch (state.kind) {
      case 'before-tls':
        return this.beforeTls(state, element);
      case 'authenticating':
        return this.authenticating(state, element);
      case 'authenticated':
        return this.authenticated(state, element);
      case 'bound':
        return this.bound(state, element);
      case 'closing':
        return;
      default:
        return unreachable(state);
    }
  }

  private async beforeTls(state: BeforeTls, element: Element): Promise<void> {
    const step = beforeTlsStep(element);
    switch (step) {
      case 'starttls':
        this.transport.send(`<proceed xmlns='${NS_TLS}'/>`);
        // §5.4.3.3: the stream is over once <proceed/> is out; the client opens another over TLS.
        this.state = stream.tlsEstablished(state);
        try {
          const { discardedBytes } = await this.transport.startTls();
          if (discardedBytes > 0) this.log.info({ clientIp: this.transport.remoteAddress, discardedBytes }, 'plaintext sent after <starttls/> discarded');
        } catch (error) {
          this.log.info({ err: error }, 'TLS handshake failed');
          await this.end('tls-failed');
        }
        return;
      case 'auth-before-tls':
        this.transport.discardPipelined();
        this.transport.send(`<failure xmlns='${NS_SASL}'><encryption-required/></failure>`);
        // Counted like a failed attempt, or a client could repeat it until the auth timeout.
        if (++state.failures >= this.deps.limits.maxAuthFailures) await this.terminateQuietly('too-many-failures');
        return;
      case 'tls-required':
        return this.refuse(step, element);
      default:
        return unreachable(step);
    }
  }

  private async authenticating(state: Authenticating, element: Element): Promise<void> {
    const step = authenticatingStep(state, element, this.transport.secure);
    switch (step) {
      case 'sasl': {
        const exchange = state.exchange instanceof LegacySasl ? state.exchange : (state.exchange = new LegacySasl(legacySaslHost(this.loginOwner())));
        return exchange.handle(element);
      }
      case 'sasl2': {
        const exchange = state.exchange instanceof Sasl2Exchange ? state.exchange : (state.exchange = new Sasl2Exchange(sasl2Host(this.loginOwner())));
        await exchange.handle(element);
        if (exchange.awaitingResponse) this.transport.expectElementNext();
        return;
      }
      case 'starttls-again':
        this.transport.send(`<failure xmlns='${NS_TLS}'/>`);
        return this.terminateQuietly('starttls-refused');
      case 'sasl2-pending':
      case 'auth-required':
        return this.refuse(step, element);
      default:
        return unreachable(step);
    }
  }

  private async authenticated(state: Authenticated, element: Element): Promise<void> {
    const step = authenticatedStep(state, element);
    switch (step) {
      case 'bind':
        return this.bind(state, element);
      case 'session':
        return this.send(iqResult(element));
      case 'not-a-stanza':
      case 'invalid-from':
      case 'bind-required':
        return this.refuse(step, element);
      default:
        return unreachable(step);
    }
  }

  private async bound(state: Bound, element: Element): Promise<void> {
    const step = boundStep(state, element);
    switch (step) {
      case 'route':
        return routeOutbound(element, { fullJid: state.fullJid, bareJid: state.bareJid, clientId: state.clientId, reply: (stanza) => this.send(stanza) }, this.deps);
      case 'presence':
        return state.presence.fromClient(element);
      case 'rebind':
        return this.send(stanzaError(element, 'not-allowed', { text: 'a resource is already bound to this stream' }));
      case 'session':
        return this.send(iqResult(element));
      case 'not-a-stanza':
      case 'invalid-from':
        return this.refuse(step, element);
      default:
        return unreachable(step);
    }
  }

  private refuse(refusal: Refusal, element: Element): Promise<void> {
    const { condition, text } = REFUSALS[refusal];
    return this.terminate(condition, text(element));
  }

  // --- binding -----------------------------------------------------------------------

  private async bind(state: Authenticated, iq: Element): Promise<void> {
    const resource = requestedResource(iq);
    const bound = typeof resource === 'string' ? await this.bindResource(state, resource) : resource;
    if ('condition' in bound) return this.send(stanzaError(iq, bound.condition, { text: bound.text }));
    this.send(iqResult(iq, xml('bind', { xmlns: NS_BIND }, xml('jid', {}, bound.fullJid))));
  }

  /** §7 and XEP-0386: claims the route, names the client, and the session is established. */
  private async bindResource(state: Authenticated, resource: string): Promise<{ fullJid: string } | BindRefusal> {
    const claimed = await claimResource(this.deps, { id: this.id, log: this.log }, state.bareJid, resource);
    if ('condition' in claimed) return claimed;
    const client = await nameClient(this.deps, state.login, claimed.fullJid, this.log);
    const current = this.state;
    if (current.kind !== 'authenticated' || !client) {
      // The stream closed while the route was being claimed, or its client has no name: nothing may keep the route.
      await this.deps.directory.release(claimed.fullJid, claimed.revision).catch(() => {});
      return { condition: 'internal-server-error' };
    }
    const bound = stream.bound(current, client, claimed.fullJid, claimed.revision, new PresenceState(this, this.deps));
    this.state = bound;
    this.deps.router.local.set(this.id, this);
    this.deps.events.established(establishedOf(this.id, bound));
    return { fullJid: claimed.fullJid };
  }

  // --- authentication ----------------------------------------------------------------

  private loginOwner(): LoginOwner {
    return {
      ...this.loginContext,
      authenticated: (outcome, restart) => this.authenticatedAs(outcome, restart),
      failed: (step) => this.authenticationFailed(step),
      // XEP-0386: Bind 2 runs right after SASL2 success, on the authenticated stream.
      bindResource: async (resource) => {
        const state = this.state;
        return state.kind === 'authenticated' ? this.bindResource(state, resource) : { condition: 'internal-server-error' };
      },
      features: () => this.features(),
    };
  }

  private authenticatedAs(outcome: LoginOutcome, restart: boolean): void {
    const state = this.state;
    // The stream closed during the throttle's hold: there is no one left to log in.
    if (state.kind !== 'authenticating') return;
    const login = { mechanism: outcome.mechanism, method: outcome.method, clientId: outcome.clientId, userAgent: outcome.userAgent };
    this.state = stream.authenticated(state, outcome.jid, login, restart);
    clearTimeout(this.authTimer);
    loginSucceeded(this.loginContext, outcome.jid);
  }

  /** Counts, reports and slows down a failed attempt; the caller sends the `<failure/>`. */
  private async authenticationFailed(step: FailedStep): Promise<void> {
    if (!loginFailed(this.loginContext, step)) return;
    const state = this.state;
    // RFC 6120 §6.4.5: a reasonable number of retries, then the connection ends.
    if (state.kind === 'authenticating' && ++state.failures >= this.deps.limits.maxAuthFailures) {
      setImmediate(() => void this.terminateQuietly('too-many-failures'));
    }
  }

  // --- teardown ----------------------------------------------------------------------

  private async terminateQuietly(reason: string): Promise<void> {
    await this.end(reason);
    this.transport.closeStream();
  }

  private async end(reason: string, streamError?: string): Promise<void> {
    if (this.state.kind === 'closing') return;
    this.state = stream.closing(this.state);
    clearTimeout(this.authTimer);
    this.guard.release();
    await tearDown(this.deps, { id: this.id, log: this.log }, stream.boundPart(this.state), reason, streamError);
  }

  // --- stream features ---------------------------------------------------------------

  private openResponseHeader(attrs: Record<string, string>): void {
    this.transport.openStream(responseHeader(attrs, this.deps.domain));
    stream.headerAnswered(this.state);
  }

  private features(): string {
    return streamFeatures(this.state, this.transport, this.deps.enforceClientIds);
  }
}
