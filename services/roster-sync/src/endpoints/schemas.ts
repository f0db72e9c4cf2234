import { z } from 'zod';
import { formatJid, tryParseJid } from '@gatehouse/xmpp';

/** Any JID, normalised (RFC 7622): roster items and block list items may be any form. */
export const jid = z
  .string()
  .min(1)
  .max(3071)
  .transform((value, ctx) => {
    const parsed = tryParseJid(value);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: 'not a JID' });
      return z.NEVER;
    }
    return formatJid(parsed);
  });

/** A bare JID `local@domain`, normalised. */
export const bareJid = jid.refine((value) => /^[^@/]+@[^/]+$/.test(value), 'a bare JID (local@domain)');

export const subscriptionPresence = z.enum(['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed']);

export { parsePayload as parse } from '@gatehouse/bus';
