import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Field schemas shared by several aggregates. JID checks are structural only:
 * normalisation (PRECIS, case folding) is the producer's job, before the event exists.
 */
export const bareJidSchema = z
  .string()
  .regex(/^[^@/\s]+@[^@/\s]+$/, 'a bare JID (local@domain)')
  .describe('bare JID, normalised: local@domain');

export const fullJidSchema = z
  .string()
  .regex(/^[^@/\s]+@[^@/\s]+\/.+$/, 'a full JID (local@domain/resource)')
  .describe('full JID: local@domain/resource');

/** 128 bits of base64url randomness (docs/architecture.md), safe as a subject token. */
export const sessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, '22 base64url characters')
  .describe('stream/session id: 22 base64url characters');

/** Replica ids appear as a subject token (`<ns>.c2s.<replica>.>`). */
export const replicaIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
  .describe('gateway replica id');

export const clientIpSchema = z
  .string()
  .refine((value) => isIP(value) !== 0, 'an IPv4 or IPv6 address')
  .describe('IPv4 or IPv6 address the client connected from');

/**
 * XEP-0388 `<user-agent id>`: the client's own stable id, a UUID by recommendation but
 * any string in practice. The bound only stops absurd values: it becomes a subject token.
 */
export const clientIdSchema = z.string().min(1).max(1023).describe('XEP-0388 user-agent id the client sent, verbatim');

/** 128 bits of base64url randomness, made by the token service. */
const randomIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, '22 base64url characters');

export const grantIdSchema = randomIdSchema.describe('grant id: 22 base64url characters, new for every grant');

export const tokenIdSchema = randomIdSchema.describe('FAST token id: 22 base64url characters; not a secret, the token cannot be derived from it without the service key');

/** The draft-schmaus-kitten-sasl-ht family, e.g. HT-SHA-256-NONE, HT-SHA-256-ENDP. */
export const fastMechanismSchema = z
  .string()
  .regex(/^HT-[A-Z0-9]+-[A-Z0-9]+(-[A-Z0-9]+)*$/, 'an HT-* SASL mechanism name')
  .describe('the HT SASL mechanism the token is bound to (XEP-0484), e.g. HT-SHA-256-NONE');

/** How a client proved itself for a grant: its password (SASL2 with SCRAM/PLAIN) or a FAST token. */
export const authenticatedBySchema = z.enum(['password', 'fast']).describe("'password' or 'fast' (XEP-0484 token)");
