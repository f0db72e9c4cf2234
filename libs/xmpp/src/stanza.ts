/** Stanza helpers for the gateway (RFC 6120 §8). */
import { Element } from '@xmpp/xml';
import { NS_CLIENT } from './namespaces.ts';
import { definedAttrs } from './xml/attrs.ts';

const STANZA_NAMES = new Set(['message', 'presence', 'iq']);

/** A `<message/>`, `<presence/>` or `<iq/>` in jabber:client (§8), as opposed to a nonza. */
export function isStanza(el: Element): boolean {
  return STANZA_NAMES.has(el.getName()) && el.getNS() === NS_CLIENT;
}

/**
 * The `result` answering an iq `get`/`set` (§8.2.3): same id, addresses swapped, with an
 * optional payload. `xmlns` is kept so the reply is self-contained on a WebSocket too.
 */
export function iqResult(iq: Element, child?: Element): Element {
  const { xmlns, id, from, to } = iq.attrs as Record<string, string | undefined>;
  const result = new Element('iq', definedAttrs({ xmlns, type: 'result', id, to: from, from: to }));
  if (child !== undefined) result.cnode(child);
  return result;
}
