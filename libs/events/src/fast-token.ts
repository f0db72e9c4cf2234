import { z } from 'zod';
import { defineAggregate, guardFor, type EventsOf } from './aggregate.ts';
import type { Event } from './envelope.ts';
import { bareJidSchema, clientIdSchema, fastMechanismSchema, grantIdSchema, tokenIdSchema } from './fields.ts';

/*
 * XEP-0484 FAST tokens, two slots per account and client (§ Implementation Notes):
 * `current` and `next`. The token string itself never appears in an event: it is derived
 * from `tokenId` with a key only the token service holds. `tokenHash` lets someone who
 * holds a token recognise it in the audit trail without making the trail a token store.
 */

const tokenKey = { jid: bareJidSchema, clientId: clientIdSchema, tokenId: tokenIdSchema };

const newToken = {
  ...tokenKey,
  grantId: grantIdSchema.describe('the grant the token belongs to; revoking the grant voids it'),
  mechanism: fastMechanismSchema,
  tokenHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256')
    .describe('hex SHA-256 of the token string (UTF-8): identifies it, cannot be used to log in'),
  expiresAt: z.iso.datetime({ offset: true }).describe('the token fails with credentials-expired from this instant'),
};

export const fastTokenIssuedData = z
  .object(newToken)
  .meta({ description: 'A FAST token was issued to a client that held none: it is the current token. Issued at the event time.' });
export type FastTokenIssuedData = z.output<typeof fastTokenIssuedData>;
export type FastTokenIssued = Event<'gatehouse.fast-token.issued.v1', FastTokenIssuedData>;

export const fastTokenRotatedData = z
  .object({ ...newToken, replacesTokenId: tokenIdSchema.describe('the current token, valid until the new one is first used') })
  .meta({
    description:
      'A FAST token was issued to a client that holds a current one: it is the next token. The current one stays valid until the next one is used (XEP-0484 rotation).',
  });
export type FastTokenRotatedData = z.output<typeof fastTokenRotatedData>;
export type FastTokenRotated = Event<'gatehouse.fast-token.rotated.v1', FastTokenRotatedData>;

export const fastTokenUsedData = z
  .object({
    ...tokenKey,
    mechanism: fastMechanismSchema,
    count: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('XEP-0484 <fast count>: a later use must carry a greater one'),
  })
  .meta({ description: 'A client logged in with a FAST token. A next token used becomes the current one.' });
export type FastTokenUsedData = z.output<typeof fastTokenUsedData>;
export type FastTokenUsed = Event<'gatehouse.fast-token.used.v1', FastTokenUsedData>;

export const fastTokenInvalidatedData = z
  .object({
    ...tokenKey,
    reason: z
      .enum(['superseded', 'replaced-unused', 'client-request', 'expired', 'password-changed', 'account-deleted', 'grant-revoked'])
      .describe(
        "superseded: the next token was used; replaced-unused: a newer token replaced one never used; client-request: <fast invalidate='1'>; expired: cleared when a new token was issued; or the account or grant ended",
      ),
  })
  .meta({ description: 'A FAST token can no longer be used; presenting it fails with credentials-expired.' });
export type FastTokenInvalidatedData = z.output<typeof fastTokenInvalidatedData>;
export type FastTokenInvalidated = Event<'gatehouse.fast-token.invalidated.v1', FastTokenInvalidatedData>;
export type FastTokenInvalidationReason = FastTokenInvalidatedData['reason'];

export const fastToken = defineAggregate({
  name: 'fast-token',
  stream: 'tokens',
  key: 'subjectToken() of the bare JID, a dot, and subjectToken() of the client id (two subject tokens)',
  events: {
    'gatehouse.fast-token.issued.v1': fastTokenIssuedData,
    'gatehouse.fast-token.rotated.v1': fastTokenRotatedData,
    'gatehouse.fast-token.used.v1': fastTokenUsedData,
    'gatehouse.fast-token.invalidated.v1': fastTokenInvalidatedData,
  },
});

export type FastTokenEvent = EventsOf<typeof fastToken.events>;
export const isFastTokenEvent = guardFor(fastToken);
