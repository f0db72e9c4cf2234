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
