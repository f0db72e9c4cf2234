import { z } from 'zod';
import { defineAggregate, guardFor, type EventsOf } from './aggregate.ts';
import type { Event } from './envelope.ts';
import { authenticatedBySchema, bareJidSchema, clientIdSchema, fullJidSchema, grantIdSchema, sessionIdSchema, tokenIdSchema } from './fields.ts';
import { revocationReasonSchema, userAgentSchema } from './grant.ts';

/*
 * Catalog v2: a client event is appended only when something about the client changes
 * (first seen, seen again after a revocation, user agent first learned, granted, tokens,
 * revoked, forgotten), never for a routine login of a known client: what a login changes
 * (connected, last seen, mechanism) readers take from session.established and
 * session.ended. `authenticated`, `session-bound`, `session-ended` and `grant-used` are
 * no longer written; they stay readable for history written before v2.
 *
 * The client aggregate (mod_client_management's client record; docs/client-management.md): one per
 * account and client id, owned by the client-registry service. Most events restate, for
 * one client, what the gateway and the token service reported (each with the time of the
 * original fact), so that the client listing reads one stream; `revoked` is the
 * registry's own decision, and the gateways act on it.
 */

const clientKey = {
  jid: bareJidSchema,
  clientId: clientIdSchema.describe(
    "the XEP-0388 <user-agent id>, or for a client that sent none (legacy SASL) 12 random base64url characters the registry chose",
  ),
};

export const clientAuthenticatedData = z
  .object({
    ...clientKey,
    sessionId: sessionIdSchema,
    legacy: z.boolean().describe('true: the client sent no <user-agent id>; it is known by its full JID (same resource, same client)'),
    mechanism: z.string().min(1).max(256).describe('the SASL mechanism, e.g. SCRAM-SHA-256, PLAIN, HT-SHA-256-NONE'),
    method: authenticatedBySchema,
    userAgent: userAgentSchema.optional().describe('as the client gave it; only the first one seen is kept'),
  })
  .meta({ description: 'Superseded by client.seen and session.established (catalog v2), still readable: the client logged in on an XMPP stream.' });
export type ClientAuthenticatedData = z.output<typeof clientAuthenticatedData>;
export type ClientAuthenticated = Event<'gatehouse.client.authenticated.v1', ClientAuthenticatedData>;

export const clientSeenData = z
  .object({
    ...clientKey,
    sessionId: sessionIdSchema.describe('the session whose session.established showed the change'),
    change: z
      .enum(['first-seen', 'returned', 'user-agent-learned'])
      .describe("'first-seen': the client is new to the account; 'returned': it logged in again after its access was revoked; 'user-agent-learned': it gave a user agent for the first time"),
    legacy: z.boolean().describe('true: the client sent no <user-agent id>; it is known by its full JID'),
    mechanism: z.string().min(1).max(256),
    method: authenticatedBySchema,
    userAgent: userAgentSchema.optional().describe('as the client gave it; only the first one seen is kept'),
  })
  .meta({ description: 'A login changed what the registry knows of the client (catalog v2): it is new, back after a revocation, or told its user agent at last.' });
export type ClientSeenData = z.output<typeof clientSeenData>;
export type ClientSeen = Event<'gatehouse.client.seen.v1', ClientSeenData>;

export const clientSessionBoundData = z
  .object({ ...clientKey, sessionId: sessionIdSchema, fullJid: fullJidSchema })
  .meta({ description: 'Superseded by session.established (catalog v2), still readable: a session of the client bound a resource.' });
export type ClientSessionBoundData = z.output<typeof clientSessionBoundData>;
export type ClientSessionBound = Event<'gatehouse.client.session-bound.v1', ClientSessionBoundData>;

export const clientSessionEndedData = z
  .object({ ...clientKey, sessionId: sessionIdSchema, fullJid: fullJidSchema.optional().describe('absent when the session never bound a resource') })
  .meta({ description: 'Superseded by session.ended (catalog v2), still readable: a session of the client ended.' });
export type ClientSessionEndedData = z.output<typeof clientSessionEndedData>;
export type ClientSessionEnded = Event<'gatehouse.client.session-ended.v1', ClientSessionEndedData>;

export const clientGrantedData = z
  .object({ ...clientKey, grantId: grantIdSchema, authenticatedBy: authenticatedBySchema, userAgent: userAgentSchema.optional() })
  .meta({ description: 'The account granted the client access (the token service created a grant).' });
export type ClientGrantedData = z.output<typeof clientGrantedData>;
export type ClientGranted = Event<'gatehouse.client.granted.v1', ClientGrantedData>;

export const clientGrantUsedData = z
  .object({ ...clientKey, grantId: grantIdSchema })
  .meta({ description: "Superseded by session.established (catalog v2), still readable: the client's grant was used." });
export type ClientGrantUsedData = z.output<typeof clientGrantUsedData>;
export type ClientGrantUsed = Event<'gatehouse.client.grant-used.v1', ClientGrantUsedData>;

export const clientGrantRevokedData = z
  .object({ ...clientKey, grantId: grantIdSchema, reason: revocationReasonSchema })
  .meta({ description: "The client's grant ended." });
export type ClientGrantRevokedData = z.output<typeof clientGrantRevokedData>;
export type ClientGrantRevoked = Event<'gatehouse.client.grant-revoked.v1', ClientGrantRevokedData>;

export const clientFastTokenIssuedData = z
  .object({
    ...clientKey,
    tokenId: tokenIdSchema,
    expiresAt: z.iso.datetime({ offset: true }).describe('the token is void from this instant'),
  })
  .meta({ description: 'The client was handed a FAST token (XEP-0484), issued at the event time.' });
export type ClientFastTokenIssuedData = z.output<typeof clientFastTokenIssuedData>;
export type ClientFastTokenIssued = Event<'gatehouse.client.fast-token-issued.v1', ClientFastTokenIssuedData>;

export const clientFastTokenInvalidatedData = z
  .object({ ...clientKey, tokenId: tokenIdSchema })
  .meta({ description: 'A FAST token of the client can no longer be used.' });
export type ClientFastTokenInvalidatedData = z.output<typeof clientFastTokenInvalidatedData>;
export type ClientFastTokenInvalidated = Event<'gatehouse.client.fast-token-invalidated.v1', ClientFastTokenInvalidatedData>;

export const clientPasswordChangedData = z
  .object(clientKey)
  .meta({ description: "The account's password changed at the event time: the client's earlier password logins no longer give it access." });
export type ClientPasswordChangedData = z.output<typeof clientPasswordChangedData>;
export type ClientPasswordChanged = Event<'gatehouse.client.password-changed.v1', ClientPasswordChangedData>;

export const clientForgottenData = z
  .object({
    ...clientKey,
    reason: z
      .enum(['account-deleted', 'client-limit'])
      .describe("'client-limit': the account had more clients than the registry keeps, and this was the least recently seen without a session or grant"),
  })
  .meta({ description: 'The client record ends: the account was deleted, or it had too many clients. A later login starts a new one.' });
export type ClientForgottenData = z.output<typeof clientForgottenData>;
export type ClientForgotten = Event<'gatehouse.client.forgotten.v1', ClientForgottenData>;

export const clientRevokedData = z
  .object({
    ...clientKey,
    fullJids: z
      .array(fullJidSchema)
      .max(1024)
      .describe('full JIDs the client is known to be bound to: every gateway replica closes its sessions of the client, or at these JIDs'),
    grantId: grantIdSchema.optional().describe('the grant revoked with it, when it had one'),
    reason: revocationReasonSchema,
  })
  .meta({
    description:
      "The client's access was revoked: its sessions are closed on every gateway replica, and its grant and FAST tokens are revoked by the token service. A client that knows the password can log in again until the password changes.",
  });
export type ClientRevokedData = z.output<typeof clientRevokedData>;
export type ClientRevoked = Event<'gatehouse.client.revoked.v1', ClientRevokedData>;

export const client = defineAggregate({
  name: 'client',
  stream: 'clients',
  key: 'subjectToken() of the bare JID, a dot, and subjectToken() of the client id (two subject tokens)',
  events: {
    'gatehouse.client.seen.v1': clientSeenData,
    'gatehouse.client.authenticated.v1': clientAuthenticatedData,
    'gatehouse.client.session-bound.v1': clientSessionBoundData,
    'gatehouse.client.session-ended.v1': clientSessionEndedData,
    'gatehouse.client.granted.v1': clientGrantedData,
    'gatehouse.client.grant-used.v1': clientGrantUsedData,
    'gatehouse.client.grant-revoked.v1': clientGrantRevokedData,
    'gatehouse.client.fast-token-issued.v1': clientFastTokenIssuedData,
    'gatehouse.client.fast-token-invalidated.v1': clientFastTokenInvalidatedData,
    'gatehouse.client.password-changed.v1': clientPasswordChangedData,
    'gatehouse.client.forgotten.v1': clientForgottenData,
    'gatehouse.client.revoked.v1': clientRevokedData,
  },
  superseded: {
    'gatehouse.client.authenticated.v1': 'gatehouse.client.seen.v1',
    'gatehouse.client.session-bound.v1': 'gatehouse.session.established.v1',
    'gatehouse.client.session-ended.v1': 'gatehouse.session.ended.v1',
    'gatehouse.client.grant-used.v1': 'gatehouse.session.established.v1',
  },
});

export type ClientEvent = EventsOf<typeof client.events>;
export const isClientEvent = guardFor(client);
