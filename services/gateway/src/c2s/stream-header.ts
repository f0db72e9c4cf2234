/**
 * The client's stream header and our answer to it (RFC 6120 §4.7). The parser has already
 * checked what XML can tell (root element, namespaces, version syntax); these are the
 * checks that need to know which domain this server is.
 */
import { randomBytes } from 'node:crypto';
import { tryParseJid, type StreamErrorCondition } from '@gatehouse/xmpp';

/** The stream error a header calls for, if any. */
export function headerProblem(attrs: Record<string, string>, domain: string): { condition: StreamErrorCondition; text: string } | undefined {
  if (attrs.to?.toLowerCase() !== domain) return { condition: 'host-unknown', text: `this server does not serve ${attrs.to ?? 'an unnamed domain'}` };
  if (!attrs.version || !/^1\.\d+$/.test(attrs.version)) return { condition: 'unsupported-version', text: 'XMPP 1.0 streams only' };
  if (attrs.from !== undefined) {
    // XEP-0388 §2.1 (SHOULD invalid-from): a `from` of another domain is not one of our users.
    const from = tryParseJid(attrs.from);
    if (!from || from.domain !== domain) return { condition: 'invalid-from', text: 'from must be an address of this domain' };
  }
  return undefined;
}

/** Our header's attributes (§4.7): a fresh stream id, and `to` echoing the client's `from`. */
export function responseHeader(attrs: Record<string, string>, domain: string): Record<string, string> {
  return {
    from: domain,
    id: randomBytes(16).toString('base64url'),
    version: '1.0',
    'xml:lang': 'en',
    ...(attrs.from ? { to: attrs.from } : {}),
  };
}
