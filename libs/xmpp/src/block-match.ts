/**
 * XEP-0191 §3 (by way of XEP-0016 §2.1): which JIDs a block list item covers.
 * `user@domain/resource` only that full JID; `user@domain` the bare JID and all its
 * resources; `domain/resource` only that; `domain` the domain and every JID at it.
 * Both sides must already be normalised (parseJid + formatJid).
 */
import { tryParseJid } from './jid.ts';

export function blockItemMatches(item: string, jid: string): boolean {
  const pattern = tryParseJid(item);
  const target = tryParseJid(jid);
  if (!pattern || !target || pattern.domain !== target.domain) return false;
  if (pattern.local === '') return pattern.resource === '' || (target.local === '' && target.resource === pattern.resource);
  if (pattern.local !== target.local) return false;
  return pattern.resource === '' || pattern.resource === target.resource;
}

/** Whether any item of `list` covers `jid`. */
export function isBlockedBy(list: readonly string[], jid: string): boolean {
  return list.some((item) => blockItemMatches(item, jid));
}
