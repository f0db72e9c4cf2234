import { z } from 'zod';
import { formatJid, tryParseJid } from '@gatehouse/xmpp';
import { BadRequestError } from '../errors.ts';

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

/** Validates a request payload; messages name fields and expectations, never values. */
export function parse<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new BadRequestError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}
