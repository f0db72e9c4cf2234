import { z } from 'zod';
import { defineAggregate, guardFor, type EventsOf } from './aggregate.ts';
import type { Event } from './envelope.ts';
import { bareJidSchema, clientIdSchema, clientIpSchema, fullJidSchema, replicaIdSchema, sessionIdSchema } from './fields.ts';

/*
 * Since catalog v2 a routine session stores two events: `established` when it binds a
 * resource and `ended` when it goes (docs/events.md, "Catalog v2"). A failed login stores
 * `authentication-failed`; a connection that never authenticates stores nothing.
 * `stream-opened`, `authentication-succeeded`, `resource-bound` and `stream-closed` are no
 * longer written; they stay in the catalog so that history written before v2 still reads.
 */

/** As the gateway bounds it: 256 characters each (docs/protocol.md). */
const sessionUserAgentSchema = z
  .object({ software: z.string().max(256), device: z.string().max(256), uri: z.string().max(256) })
  .partial()
  .optional()
  .describe('the <software>, <device> and <uri> of the SASL2 <user-agent>; never shown to other users (XEP-0388)');

export const sessionEstablishedData = z
  .object({
    sessionId: sessionIdSchema,
    replica: replicaIdSchema,
    jid: fullJidSchema.describe('the full JID bound (RFC 6120 §7, or inline with XEP-0386 Bind 2)'),
    transport: z.enum(['tcp', 'tls', 'websocket']),
    clientIp: clientIpSchema,
    openedAt: z.iso.datetime({ offset: true }).describe('when the client opened the stream the session was established on'),
    mechanism: z.string().min(1).max(256).describe('the SASL mechanism, e.g. SCRAM-SHA-256, PLAIN, HT-SHA-256-NONE'),
    method: z.enum(['password', 'fast']).describe('what the client proved: the password, or a FAST token (XEP-0484)'),
    clientId: clientIdSchema.describe(
      "the client: its XEP-0388 <user-agent id>, or for a client that sent none (legacy SASL) the id Gatehouse gave its full JID on first sight",
    ),
    legacy: z.boolean().describe('true: the client sent no <user-agent id>; it is known by its full JID (same resource, same client)'),
    userAgent: sessionUserAgentSchema,
  })
  .meta({
    description:
      'A session was established: the client authenticated and bound a resource, and its full JID now routes to it. One event per login, the first of the session (catalog v2).',
  });
export type SessionEstablishedData = z.output<typeof sessionEstablishedData>;
export type SessionEstablished = Event<'gatehouse.session.established.v1', SessionEstablishedData>;

export const sessionStreamOpenedData = z
  .object({
    sessionId: sessionIdSchema,
    replica: replicaIdSchema,
    transport: z.enum(['tcp', 'tls', 'websocket']),
    clientIp: clientIpSchema,
    to: z.string().optional().describe("the stream header's 'to' (the domain the client asked for)"),
  })
  .meta({
    description:
      'Superseded by session.established (catalog v2), still readable: a client opened an XMPP stream; first event of every authenticated session before v2.',
  });
export type SessionStreamOpenedData = z.output<typeof sessionStreamOpenedData>;
export type SessionStreamOpened = Event<'gatehouse.session.stream-opened.v1', SessionStreamOpenedData>;

export const sessionAuthenticationSucceededData = z
  .object({
    sessionId: sessionIdSchema,
    jid: bareJidSchema,
    mechanism: z.string().min(1),
    clientIp: clientIpSchema,
    method: z.enum(['password', 'fast']).default('password').describe('what the client proved: the password, or a FAST token'),
    clientId: z.string().min(1).max(256).optional().describe("the SASL2 <user-agent id> (XEP-0388), when the client sent one"),
    userAgent: sessionUserAgentSchema,
  })
  .meta({ description: 'Superseded by session.established (catalog v2), still readable: SASL or SASL2 authentication succeeded on the stream.' });
export type SessionAuthenticationSucceededData = z.output<typeof sessionAuthenticationSucceededData>;
export type SessionAuthenticationSucceeded = Event<
  'gatehouse.session.authentication-succeeded.v1',
  SessionAuthenticationSucceededData
>;

export const sessionAuthenticationFailedData = z
  .object({
    sessionId: sessionIdSchema,
    username: z.string().optional().describe('the username the client claimed, when the mechanism carries one'),
    mechanism: z.string().min(1),
    clientIp: clientIpSchema,
    condition: z.string().min(1).describe('RFC 6120 §6.5 SASL failure condition, e.g. not-authorized'),
    reason: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "why, when the gateway knows: 'unknown-account', 'wrong-password', 'token-expired', 'token-revoked', 'token-unknown', 'client-id-required', 'token-service-unavailable', ...",
      ),
  })
  .meta({ description: 'A SASL authentication attempt failed.' });
export type SessionAuthenticationFailedData = z.output<typeof sessionAuthenticationFailedData>;
export type SessionAuthenticationFailed = Event<
  'gatehouse.session.authentication-failed.v1',
  SessionAuthenticationFailedData
>;

export const sessionResourceBoundData = z
  .object({ sessionId: sessionIdSchema, jid: fullJidSchema, replica: replicaIdSchema })
  .meta({ description: 'Superseded by session.established (catalog v2), still readable: a resource was bound.' });
export type SessionResourceBoundData = z.output<typeof sessionResourceBoundData>;
export type SessionResourceBound = Event<'gatehouse.session.resource-bound.v1', SessionResourceBoundData>;

export const sessionEndedData = z
  .object({
    sessionId: sessionIdSchema,
    jid: fullJidSchema,
    reason: z
      .string()
      .min(1)
      .describe(
        "e.g. 'closed-by-client', 'conflict', 'system-shutdown', 'connection-lost', 'account-deleted', 'password-changed', 'client-revoked', 'replica-lost' (reported by the replica that swept a dead one's routes); otherwise the stream error condition",
      ),
    status: z
      .string()
      .max(1024)
      .optional()
      .describe('The <status/> of the unavailable presence the session sent last (XEP-0012 §3), when it went unavailable that way; at most 1024 characters'),
    clientId: clientIdSchema.optional().describe('the client, as session.established named it (catalog v2; absent before)'),
    streamError: z.string().optional().describe('RFC 6120 §4.9.3 stream error condition, when the stream closed with one (catalog v2; before, stream-closed carried it)'),
  })
  .meta({ description: 'An established session ended; its full JID is no longer routed to it. The last event of the session.' });
export type SessionEndedData = z.output<typeof sessionEndedData>;
export type SessionEnded = Event<'gatehouse.session.ended.v1', SessionEndedData>;

export const sessionStreamClosedData = z
  .object({
    sessionId: sessionIdSchema,
    reason: z.string().min(1),
    streamError: z.string().optional().describe('RFC 6120 §4.9.3 stream error condition, when the stream closed with one'),
  })
  .meta({ description: 'Superseded by session.ended (catalog v2), still readable: the XMPP stream closed, bound or not.' });
export type SessionStreamClosedData = z.output<typeof sessionStreamClosedData>;
export type SessionStreamClosed = Event<'gatehouse.session.stream-closed.v1', SessionStreamClosedData>;

export const session = defineAggregate({
  name: 'session',
  stream: 'sessions',
  key: 'the session id (22 base64url characters, already subject-safe)',
  events: {
    'gatehouse.session.established.v1': sessionEstablishedData,
    'gatehouse.session.stream-opened.v1': sessionStreamOpenedData,
    'gatehouse.session.authentication-succeeded.v1': sessionAuthenticationSucceededData,
    'gatehouse.session.authentication-failed.v1': sessionAuthenticationFailedData,
    'gatehouse.session.resource-bound.v1': sessionResourceBoundData,
    'gatehouse.session.ended.v1': sessionEndedData,
    'gatehouse.session.stream-closed.v1': sessionStreamClosedData,
  },
  superseded: {
    'gatehouse.session.stream-opened.v1': 'gatehouse.session.established.v1',
    'gatehouse.session.authentication-succeeded.v1': 'gatehouse.session.established.v1',
    'gatehouse.session.resource-bound.v1': 'gatehouse.session.established.v1',
    'gatehouse.session.stream-closed.v1': 'gatehouse.session.ended.v1',
  },
});

export type SessionEvent = EventsOf<typeof session.events>;
export const isSessionEvent = guardFor(session);
