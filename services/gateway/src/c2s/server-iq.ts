/**
 * IQs the server answers itself (RFC 6120 §10.3 "to" the domain, or no "to"; RFC 6121
 * §8.5.2.1.3 / §8.5.2.2.3 to a bare JID, on behalf of the account): XEP-0199 ping,
 * XEP-0030 disco#info/#items, RFC 3921 session. Anything else: service-unavailable.
 */
import xml, { type Element } from '@xmpp/xml';
import { FEATURE_OFFLINE, NS_BLOCKING, NS_DISCO_INFO, NS_DISCO_ITEMS, NS_LAST_ACTIVITY, NS_PING, NS_SESSION, iqResult, stanzaError } from '@gatehouse/xmpp';

export const SERVER_FEATURES = [NS_DISCO_INFO, NS_DISCO_ITEMS, NS_PING, NS_BLOCKING, FEATURE_OFFLINE] as const;

/** XEP-0030 §3.1 for an account's bare JID: what the server answers on its behalf (last activity: ../im). */
export const ACCOUNT_FEATURES = [NS_DISCO_INFO, NS_DISCO_ITEMS, NS_LAST_ACTIVITY] as const;

export type IqTarget = { kind: 'server' } | { kind: 'account'; bareJid: string };

export function answerServerIq(iq: Element, target: IqTarget): Element | undefined {
  const type = iq.attrs.type;
  if (type === 'result' || type === 'error') return undefined;
  const payload = iq.children.find((child): child is Element => typeof child !== 'string');
  const ns = payload?.attrs.xmlns;
  if (type === 'get' && payload?.name === 'ping' && ns === NS_PING) return iqResult(iq);
  if (type === 'get' && payload?.name === 'query' && ns === NS_DISCO_INFO && !payload.attrs.node) {
    return iqResult(iq, discoInfo(target));
  }
  if (type === 'get' && payload?.name === 'query' && ns === NS_DISCO_ITEMS && !payload.attrs.node) {
    return iqResult(iq, xml('query', { xmlns: NS_DISCO_ITEMS }));
  }
  if (type === 'set' && payload?.name === 'session' && ns === NS_SESSION && target.kind === 'server') {
    return iqResult(iq);
  }
  return stanzaError(iq, 'service-unavailable');
}

function discoInfo(target: IqTarget): Element {
  if (target.kind === 'server') {
    return xml(
      'query',
      { xmlns: NS_DISCO_INFO },
      xml('identity', { category: 'server', type: 'im', name: 'Gatehouse' }),
      ...SERVER_FEATURES.map((feature) => xml('feature', { var: feature })),
    );
  }
  // XEP-0030 §3.1 / RFC 6121: the server answers for an account's bare JID.
  return xml(
    'query',
    { xmlns: NS_DISCO_INFO },
    xml('identity', { category: 'account', type: 'registered' }),
    ...ACCOUNT_FEATURES.map((feature) => xml('feature', { var: feature })),
  );
}

/** RFC 6120 §8.2.3: an IQ needs an id, a type, and (get/set) exactly one child. */
export function iqShapeError(iq: Element): Element | undefined {
  const type = iq.attrs.type;
  if (!['get', 'set', 'result', 'error'].includes(type)) return stanzaError(iq, 'bad-request', { text: 'IQ type must be get, set, result or error' });
  if (!iq.attrs.id) return type === 'get' || type === 'set' ? stanzaError(iq, 'bad-request', { text: 'IQ id is required' }) : undefined;
  if (type === 'get' || type === 'set') {
    const children = iq.children.filter((child) => typeof child !== 'string');
    if (children.length !== 1) return stanzaError(iq, 'bad-request', { text: 'IQ get/set carries exactly one child' });
  }
  return undefined;
}
