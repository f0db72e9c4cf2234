/**
 * Elements whose answer can switch the connection to a new stream (RFC 6120 §4.3.3):
 * `<starttls/>` (§5.4.3.3, TLS after `<proceed/>`) and SASL `<auth/>` or `<response/>`
 * (§6.4.6, a restart after `<success/>`). Until the answer is known, what the client sent
 * after one of them cannot be read as part of the current stream: see XmppStreamParser.
 */
import type { Element } from '@xmpp/xml';
import { NS_SASL, NS_TLS } from './namespaces.ts';

export function isRestartTrigger(element: Element): boolean {
  const { name } = element;
  const ns = element.attrs.xmlns;
  return (ns === NS_TLS && name === 'starttls') || (ns === NS_SASL && (name === 'auth' || name === 'response'));
}
