/**
 * XEP-0386 Bind 2 resource naming. The resource is `<tag>~<suffix>`, the suffix a short
 * hash of the account and the client id: stable, so the same client gets the same
 * resource on every login and replaces its own earlier session (§ "Resource binding"),
 * and never the id itself (the XEP forbids exposing it). Hashing the account in too
 * keeps one client id from being linked across accounts by contacts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { isValidResource } from '@gatehouse/xmpp';

const TAG_LIMIT = 64;

export function bind2Resource(bareJid: string, tag: string | undefined, clientId: string | undefined): string {
  const cleanTag = tag?.trim().slice(0, TAG_LIMIT);
  const suffix = clientId
    ? createHash('sha256').update(`${bareJid}\0${clientId}`).digest().subarray(0, 9).toString('base64url')
    : randomBytes(9).toString('base64url');
  if (!cleanTag || !isValidResource(`${cleanTag}~${suffix}`)) return suffix;
  return `${cleanTag}~${suffix}`;
}
