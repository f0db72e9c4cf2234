/**
 * The states one client connection's stream goes through, in RFC 6120's order: STARTTLS
 * where the port requires it (§5), SASL (§6), resource binding (§7), stanzas (§8), and
 * the close (§4.4). Each state carries only what exists in it, so a stanza routed before
 * binding, a bind before authentication or STARTTLS on a protected stream cannot be
 * written down; the functions below are the only transitions between states.
 */
import type { UserAgent } from '../auth/token-client.ts';
import type { TransportKind } from '../transports/transport.ts';
import type { LegacySasl } from './legacy-sasl.ts';
import type { PresenceState } from './presence.ts';
import type { Sasl2Exchange } from './sasl2.ts';
import { unreachable } from './unreachable.ts';

/**
 * Where the current stream's header stands: `new` before the connection's first one,
 * `restarting` while a new stream is due (after TLS, §5.4.3.3; after SASL success,
 * §6.4.6), `open` once a response header went out.
 */
export type Header = 'new' | 'restarting' | 'open';

/** Where the connection came from and when: what session.established reports of it. */
export interface Origin {
  readonly transport: TransportKind;
  readonly clientIp: string;
  /** ISO time the client connected, right before its first stream header. */
  readonly openedAt: string;
}

/** §5.3.1: TLS is mandatory here, and nothing else is negotiated before it. */
export interface BeforeTls {
  readonly kind: 'before-tls';
  readonly origin: Origin;
  header: 'new' | 'open';
  /** `<auth/>` sent in the clear counts as a failed attempt (§6.4.5). */
  failures: number;
}

export interface Authenticating {
  readonly kind: 'authenticating';
  readonly origin: Origin;
  header: Header;
  failures: number;
  /** The exchange the client last started, legacy SASL (§6) or SASL2 (XEP-0388). */
  exchange: LegacySasl | Sasl2Exchange | undefined;
}

/** How this stream authenticated; clients are listed and revoked by it. */
export interface Login {
  mechanism: string;
  method: 'password' | 'fast';
  /** The SASL2 `<user-agent id>` (XEP-0388), when the client sent one. */
  clientId?: string;
  userAgent?: UserAgent;
}

/**
 * The client a bound stream belongs to: its `<user-agent id>`, or for a client that sent
 * none (`legacy`) the id its full JID was given on first sight.
 */
export interface BoundClient {
  readonly clientId: string;
  readonly legacy: boolean;
}

export interface Authenticated {
  readonly kind: 'authenticated';
  /** `restarting` after legacy SASL (§6.4.6); SASL2 goes on without a restart (XEP-0388 §2.6). */
  header: 'restarting' | 'open';
  readonly origin: Origin;
  readonly bareJid: string;
  readonly login: Login;
}

export interface Bound extends BoundClient {
  readonly kind: 'bound';
  readonly origin: Origin;
  readonly bareJid: string;
  readonly login: Login;
  readonly fullJid: string;
  /** The route's KV revision, kept current so updates and the release stay revision-checked. */
  routeRevision: number;
  readonly presence: PresenceState;
}

/** The stream is ending; what it had authenticated or bound is still torn down from here. */
export interface Closing {
  readonly kind: 'closing';
  readonly was: Authenticated | Bound | undefined;
}

export type StreamState = BeforeTls | Authenticating | Authenticated | Bound | Closing;

/** A TCP connection on the STARTTLS port starts before TLS; direct TLS and WebSocket do not (RFC 7395 §3.9). */
export function initialState(canStartTls: boolean, origin: Origin): BeforeTls | Authenticating {
  return canStartTls
    ? { kind: 'before-tls', origin, header: 'new', failures: 0 }
    : { kind: 'authenticating', origin, header: 'new', failures: 0, exchange: undefined };
}

/** §5.4.3.3: TLS is up and the client opens a new stream over it. */
export function tlsEstablished(state: BeforeTls): Authenticating {
  return { kind: 'authenticating', origin: state.origin, header: 'restarting', failures: state.failures, exchange: undefined };
}

/** §6.4.6: legacy SASL success restarts the stream; SASL2 success does not (`restart: false`). */
export function authenticated(state: Authenticating, bareJid: string, login: Login, restart: boolean): Authenticated {
  return { kind: 'authenticated', header: restart ? 'restarting' : 'open', origin: state.origin, bareJid, login };
}

/** §7.6.1: the server has bound the resource; stanzas may flow, and the session is established. */
export function bound(state: Authenticated, client: BoundClient, fullJid: string, routeRevision: number, presence: PresenceState): Bound {
  const { origin, bareJid, login } = state;
  return { kind: 'bound', origin, bareJid, login, clientId: client.clientId, legacy: client.legacy, fullJid, routeRevision, presence };
}

/** §4.4: from any state; closing again keeps what the first close saw. */
export function closing(state: StreamState): Closing {
  switch (state.kind) {
    case 'before-tls':
    case 'authenticating':
      return { kind: 'closing', was: undefined };
    case 'authenticated':
    case 'bound':
      return { kind: 'closing', was: state };
    case 'closing':
      return state;
    default:
      return unreachable(state);
  }
}

/** Where the current stream's header stands; a bound or closing stream's is open. */
export function headerOf(state: StreamState): Header {
  switch (state.kind) {
    case 'before-tls':
    case 'authenticating':
    case 'authenticated':
      return state.header;
    case 'bound':
    case 'closing':
      return 'open';
    default:
      return unreachable(state);
  }
}

/** A response header went out (§4.2, or §4.9.1.2 ahead of a stream error): same state, stream open. */
export function headerAnswered(state: StreamState): void {
  switch (state.kind) {
    case 'before-tls':
    case 'authenticating':
    case 'authenticated':
      state.header = 'open';
      return;
    case 'bound':
    case 'closing':
      return;
    default:
      return unreachable(state);
  }
}

/** The bound part of the state, also while it is being torn down. */
export function boundPart(state: StreamState): Bound | undefined {
  switch (state.kind) {
    case 'before-tls':
    case 'authenticating':
    case 'authenticated':
      return undefined;
    case 'bound':
      return state;
    case 'closing':
      return state.was?.kind === 'bound' ? state.was : undefined;
    default:
      return unreachable(state);
  }
}

/** Who the stream authenticated as, also while it is being torn down. */
export function authenticatedPart(state: StreamState): Authenticated | Bound | undefined {
  switch (state.kind) {
    case 'before-tls':
    case 'authenticating':
      return undefined;
    case 'authenticated':
    case 'bound':
      return state;
    case 'closing':
      return state.was;
    default:
      return unreachable(state);
  }
}
