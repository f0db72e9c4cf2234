import { NS_BIND, NS_PRE_APPROVAL, NS_ROSTER_VERSIONING, NS_SASL, NS_SESSION, NS_TLS } from '@gatehouse/xmpp';
import type { TransportKind } from '../transports/transport.ts';

/** RFC 6121 §2.6.1 roster versioning and §3.4 pre-approval, both supported (../im). */
const IM_FEATURES = `<ver xmlns='${NS_ROSTER_VERSIONING}'/><sub xmlns='${NS_PRE_APPROVAL}'/>`;

export interface FeatureState {
  canStartTls: boolean;
  authenticated: boolean;
  /** A resource is bound already (Bind 2 inside SASL2): nothing left to negotiate. */
  bound: boolean;
  /** Legacy SASL mechanisms; none under ENFORCE_CLIENT_IDS. */
  mechanisms: readonly string[];
  /** The SASL2 `<authentication/>` advertisement, or '' where SASL2 is not offered. */
  sasl2: string;
}

/**
 * RFC 6120 §4.3.2: features after every header. TLS is mandatory on TCP (§5.3.1
 * `<required/>`), so nothing else is offered before it; after SASL only binding.
 */
export function featuresXml(state: FeatureState): string {
  let body = '';
  if (state.canStartTls) {
    body = `<starttls xmlns='${NS_TLS}'><required/></starttls>`;
  } else if (!state.authenticated) {
    const legacy = state.mechanisms.length ? `<mechanisms xmlns='${NS_SASL}'>${state.mechanisms.map((m) => `<mechanism>${m}</mechanism>`).join('')}</mechanisms>` : '';
    body = legacy + state.sasl2;
  } else if (state.bound) {
    return '<stream:features/>';
  } else {
    // RFC 3921 <session/> is kept, marked optional (RFC 6121 Appendix E), for old clients.
    body = `<bind xmlns='${NS_BIND}'/><session xmlns='${NS_SESSION}'><optional/></session>${IM_FEATURES}`;
  }
  return `<stream:features>${body}</stream:features>`;
}

/**
 * Nothing without TLS (RFC 6120 §5.3.1, §13.9): PLAIN sends the password itself, and a
 * captured SCRAM exchange lets a listener test password guesses offline.
 */
export function mechanismsFor(secure: boolean): readonly string[] {
  return secure ? ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'] : [];
}

/** What a login cannot use on this stream, and why: logged so a login explains itself. */
export interface Withheld {
  what: string;
  why: string;
  /** `info` where an operator probably wants it otherwise; `debug` for deliberate or inherent limits. */
  level: 'info' | 'debug';
}

export function withheldAuthentication(stream: { kind: TransportKind; secure: boolean; channelBinding: boolean; enforceClientIds: boolean }): Withheld[] {
  const withheld: Withheld[] = [];
  if (!stream.secure) {
    withheld.push({
      what: 'SASL, SASL2 and FAST',
      why:
        stream.kind === 'websocket'
          ? 'the WebSocket is not encrypted: connect with wss://, or behind a TLS proxy list it in TRUSTED_PROXIES and have it send X-Forwarded-Proto: https'
          : 'the stream is not encrypted',
      level: 'info',
    });
  } else if (!stream.channelBinding) {
    withheld.push({ what: 'HT-SHA-256-ENDP', why: 'no TLS channel binding on this stream (TLS ends at a proxy)', level: 'debug' });
  }
  if (stream.enforceClientIds) withheld.push({ what: 'legacy SASL', why: 'ENFORCE_CLIENT_IDS requires SASL2 with a client id', level: 'debug' });
  return withheld;
}
