import { z } from 'zod';
import { defineAggregate, guardFor, type EventsOf } from './aggregate.ts';
import type { Event } from './envelope.ts';
import { authenticatedBySchema, bareJidSchema, clientIdSchema, grantIdSchema } from './fields.ts';

/** XEP-0388 §4.1 `<user-agent>` children (and an OAuth client URI), as the client gave them. */
export const userAgentSchema = z
  .object({
    software: z.string().min(1).max(1023).optional().describe('XEP-0388 <software>, e.g. Conversations'),
    device: z.string().min(1).max(1023).optional().describe('XEP-0388 <device>, e.g. Pixel 8'),
    uri: z.string().min(1).max(2048).optional().describe('a URI identifying the client, e.g. an OAuth client_uri'),
  })
  .describe('what the client said about itself');
export type UserAgent = z.output<typeof userAgentSchema>;

/** Machine reasons, kebab-case, so new ones (issue 6: 'revoked-by-user'...) need no new event version. */
export const revocationReasonSchema = z
  .string()
  .max(64)
  .regex(/^[a-z]+(-[a-z]+)*$/, 'a kebab-case reason')
  .describe("why: 'password-changed', 'account-deleted', or the revoker's reason (e.g. 'revoked-by-user')");

const grantKey = { jid: bareJidSchema, clientId: clientIdSchema, grantId: grantIdSchema };

export const grantCreatedData = z
  .object({ ...grantKey, authenticatedBy: authenticatedBySchema, userAgent: userAgentSchema.optional() })
  .meta({ description: 'A client (XEP-0388 user-agent id) was granted access to an account, at its first login with that id.' });
export type GrantCreatedData = z.output<typeof grantCreatedData>;
export type GrantCreated = Event<'gatehouse.grant.created.v1', GrantCreatedData>;

export const grantUsedData = z
  .object({ ...grantKey, authenticatedBy: authenticatedBySchema })
  .meta({
    description:
      'Superseded by session.established (catalog v2), still readable: the client logged in again under its grant, recorded at most once a minute.',
  });
export type GrantUsedData = z.output<typeof grantUsedData>;
export type GrantUsed = Event<'gatehouse.grant.used.v1', GrantUsedData>;

export const grantRevokedData = z
  .object({ ...grantKey, reason: revocationReasonSchema })
  .meta({ description: "The client's access ended: its FAST tokens are invalidated and its sessions closed. A later login creates a new grant." });
export type GrantRevokedData = z.output<typeof grantRevokedData>;
export type GrantRevoked = Event<'gatehouse.grant.revoked.v1', GrantRevokedData>;

export const grant = defineAggregate({
  name: 'grant',
  stream: 'tokens',
  key: 'subjectToken() of the bare JID, a dot, and subjectToken() of the client id (two subject tokens)',
  events: {
    'gatehouse.grant.created.v1': grantCreatedData,
    'gatehouse.grant.used.v1': grantUsedData,
    'gatehouse.grant.revoked.v1': grantRevokedData,
  },
  superseded: { 'gatehouse.grant.used.v1': 'gatehouse.session.established.v1' },
});

export type GrantEvent = EventsOf<typeof grant.events>;
export const isGrantEvent = guardFor(grant);
