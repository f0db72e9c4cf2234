/**
 * What an element from the client may do in each stream state (RFC 6120 §5-§8), and the
 * stream error for what it may not: one function per state, returning only the steps that
 * state allows, so the session cannot bind before authentication or route before binding.
 * Steps are constants: the per-stanza path allocates nothing here.
 */
import type { Element } from '@xmpp/xml';
import { NS_BIND, NS_CLIENT, NS_SASL, NS_SASL2, NS_SESSION, NS_TLS, type StreamErrorCondition } from '@gatehouse/xmpp';
import { Sasl2Exchange } from './sasl2.ts';
import type { Authenticated, Authenticating, Bound } from './stream-state.ts';

export type Refusal = 'sasl2-pending' | 'tls-required' | 'auth-required' | 'not-a-stanza' | 'invalid-from' | 'bind-required';

/** The stream error each refusal ends the stream with. */
export const REFUSALS: Readonly<Record<Refusal, { condition: StreamErrorCondition; text: (element: Element) => string }>> = {
  // XEP-0388 §2.4: during an exchange only <response/> or <abort/>; anything else disconnects.
  'sasl2-pending': { condition: 'policy-violation', text: () => 'only <response/> or <abort/> during SASL2 authentication' },
  // §5.3.1: STARTTLS is mandatory-to-negotiate on this port.
  'tls-required': { condition: 'not-authorized', text: () => 'STARTTLS is required first' },
  // §6.3.1: SASL comes before anything else on a protected stream.
  'auth-required': { condition: 'not-authorized', text: () => 'authenticate first' },
  // §8: after authentication only message, presence and iq in jabber:client.
  'not-a-stanza': { condition: 'unsupported-stanza-type', text: (element) => `<${element.name}/> is not an XMPP stanza here` },
  // §8.1.2.1: a from other than the stream's own address.
  'invalid-from': { condition: 'invalid-from', text: () => 'from does not match your address' },
  // §7.1: nothing but binding before a resource is bound.
  'bind-required': { condition: 'not-authorized', text: () => 'bind a resource first' },
};

/**
 * `starttls`: §5.4.2.3, `<proceed/>` and the upgrade. `auth-before-tls`: SASL asked for in
 * the clear, refused with `<encryption-required/>` (§5.3.1).
 */
export function beforeTlsStep(element: Element): 'starttls' | 'auth-before-tls' | 'tls-required' {
  const ns = element.attrs.xmlns;
  if (ns === NS_TLS && element.name === 'starttls') return 'starttls';
  if (ns === NS_SASL && element.name === 'auth') return 'auth-before-tls';
  return 'tls-required';
}

/**
 * `sasl`: RFC 6120 §6. `sasl2`: XEP-0388, where offered (encrypted streams only).
 * `starttls-again`: §5.4.2.2, STARTTLS on a protected stream, a `<failure/>` and the close.
 */
export function authenticatingStep(
  state: Authenticating,
  element: Element,
  sasl2Offered: boolean,
): 'sasl' | 'sasl2' | 'starttls-again' | 'sasl2-pending' | 'auth-required' {
  const ns = element.attrs.xmlns;
  const { exchange } = state;
  if (exchange instanceof Sasl2Exchange && exchange.awaitingResponse && !(ns === NS_SASL2 && (element.name === 'response' || element.name === 'abort'))) {
    return 'sasl2-pending';
  }
  if (ns === NS_SASL) return 'sasl';
  if (ns === NS_SASL2 && sasl2Offered) return 'sasl2';
  if (ns === NS_TLS && element.name === 'starttls') return 'starttls-again';
  return 'auth-required';
}

/** `session`: RFC 3921's `<session/>`, a no-op kept for old clients (RFC 6121 Appendix E). */
export function authenticatedStep(state: Authenticated, element: Element): 'bind' | 'session' | 'not-a-stanza' | 'invalid-from' | 'bind-required' {
  const refused = stanzaRefusal(element, state.bareJid, undefined);
  if (refused) return refused;
  const request = iqSetRequest(element);
  return request ?? 'bind-required';
}

/** `rebind`: a second resource on a bound stream, refused with `<not-allowed/>` (§7.7.2.1). */
export function boundStep(state: Bound, element: Element): 'rebind' | 'session' | 'presence' | 'route' | 'not-a-stanza' | 'invalid-from' {
  const refused = stanzaRefusal(element, state.bareJid, state.fullJid);
  if (refused) return refused;
  const request = iqSetRequest(element);
  if (request) return request === 'bind' ? 'rebind' : request;
  // RFC 6121 §4.2/§4.5: presence without a 'to' is the session's own availability.
  return element.name === 'presence' && !element.attrs.to ? 'presence' : 'route';
}

function stanzaRefusal(element: Element, bareJid: string, fullJid: string | undefined): 'not-a-stanza' | 'invalid-from' | undefined {
  if (!isStanza(element)) return 'not-a-stanza';
  const from = element.attrs.from;
  if (from && from !== fullJid && from !== bareJid) return 'invalid-from';
  return undefined;
}

function iqSetRequest(element: Element): 'bind' | 'session' | undefined {
  if (element.name !== 'iq' || element.attrs.type !== 'set') return undefined;
  if (element.getChild('bind', NS_BIND)) return 'bind';
  if (element.getChild('session', NS_SESSION)) return 'session';
  return undefined;
}

function isStanza(element: Element): boolean {
  return element.attrs.xmlns === NS_CLIENT && (element.name === 'message' || element.name === 'presence' || element.name === 'iq');
}
