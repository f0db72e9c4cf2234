/**
 * What roster-sync does to a request's JIDs once the catalog (@gatehouse/events
 * requests.ts) has checked their shape: rosters and block lists hold normalised JIDs
 * (RFC 7622), so `Juliet@Capulet.lit` and `juliet@capulet.lit` name one contact. A JID
 * that does not parse is `bad-request`, with the field named as zod names it.
 */
import { formatJid, tryParseJid } from '@gatehouse/xmpp';
import { BadRequestError } from '../errors.ts';

/** Any JID, normalised: roster items and block list items may be any form. */
export function normalJid(value: string, field: string): string {
  const parsed = tryParseJid(value);
  if (!parsed) throw new BadRequestError(`${field}: not a JID`);
  return formatJid(parsed);
}

/** A bare JID `local@domain`, normalised. */
export function normalBareJid(value: string, field: string): string {
  const jid = normalJid(value, field);
  if (!/^[^@/]+@[^/]+$/.test(jid)) throw new BadRequestError(`${field}: a bare JID (local@domain)`);
  return jid;
}
