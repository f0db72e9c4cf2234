/**
 * XMPP over WebSocket messages (RFC 7395 §3.3): one complete, namespace-self-contained
 * element per message; `<open/>` and `<close/>` in urn:ietf:params:xml:ns:xmpp-framing take
 * the place of the stream header and `</stream:stream>` (§3.3.2, §3.6, §3.6.1).
 *
 * §3.3.3 requires each message to be parsable as a standalone XML document. Two elements in
 * one message are therefore not a well-formed document, and get `not-well-formed` like any
 * other broken XML, rather than `bad-format`, which §4.9.3.1 of RFC 6120 keeps for XML that
 * is well-formed but cannot be processed. The §11 restrictions and the size limit are the
 * same as on TCP (shared code in `xml/`).
 */
import { Element } from '@xmpp/xml';
import { StreamError } from './errors.ts';
import { NS_FRAMING } from './namespaces.ts';
import { ElementBuilder } from './xml/element-builder.ts';
import { RestrictedXmlReader } from './xml/restricted-xml.ts';

export type Frame =
  | { kind: 'open'; attrs: Record<string, string> }
  | { kind: 'close'; attrs: Record<string, string> }
  | { kind: 'stanza'; element: Element };

function exceeds(text: string, maxBytes: number): boolean {
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes: count bytes only when the bounds disagree.
  if (text.length > maxBytes) return true;
  return text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes;
}

function parseDocument(text: string): Element {
  const builder = new ElementBuilder();
  let root: Element | undefined;
  const reader = new RestrictedXmlReader({
    openTag: (tag) => builder.openTag(tag),
    closeTag: () => {
      root = builder.closeTag() ?? root;
    },
    // Outside the root saxes itself rejects all but whitespace.
    text: (chars, depth) => {
      if (depth > 0) builder.text(chars);
    },
    cdata: (chars) => builder.text(chars),
  });
  reader.write(text);
  reader.end();
  if (root === undefined) throw new StreamError('not-well-formed', 'no element in message');
  return root;
}

/**
 * Parses one WebSocket text message. Throws StreamError: `policy-violation` over `maxBytes`
 * (UTF-8), the RFC 6120 §11 conditions for broken or restricted XML, `invalid-namespace` for
 * an `<open/>` or `<close/>` outside the framing namespace. A first-level element without a
 * namespace is taken as `jabber:client`.
 */
export function parseFrame(text: string, maxBytes: number): Frame {
  if (exceeds(text, maxBytes)) {
    throw new StreamError('policy-violation', `message larger than ${maxBytes} bytes`);
  }
  const element = parseDocument(text);
  const local = element.getName();
  if (local !== 'open' && local !== 'close') return { kind: 'stanza', element };
  if (element.getNS() !== NS_FRAMING) {
    throw new StreamError('invalid-namespace', `<${element.name}/> must be in ${NS_FRAMING}`);
  }
  const attrs = { ...(element.attrs as Record<string, string>) };
  return local === 'open' ? { kind: 'open', attrs } : { kind: 'close', attrs };
}

/** `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' .../>` (§3.3.2); attributes as RFC 6120 §4.7. */
export function openFrame(attrs: Record<string, string>): string {
  return new Element('open', { xmlns: NS_FRAMING, ...attrs }).toString();
}

/** `<close/>` (§3.6), or a redirect with `see-other-uri` (§3.6.1). */
export function closeFrame(seeOtherUri?: string): string {
  const attrs: Record<string, string> = { xmlns: NS_FRAMING };
  if (seeOtherUri !== undefined) attrs['see-other-uri'] = seeOtherUri;
  return new Element('close', attrs).toString();
}
