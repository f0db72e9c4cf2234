import { z } from 'zod';
import { defineAggregate, guardFor, type EventsOf } from './aggregate.ts';
import type { Event } from './envelope.ts';
import { bareJidSchema, clientIdSchema, fullJidSchema } from './fields.ts';

/*
 * The control stream (catalog v2): the few facts that must end live sessions, each
 * stated again, small, after the service that decided it has done everything that must
 * come first (a revoked client's grant and FAST tokens are revoked before its sessions
 * are cut). Every gateway replica follows this stream and nothing else, so per-login
 * events never reach the gateways. The deciding event stays the source of truth; this
 * one is its notice, with the same id in `cause` and a Nats-Msg-Id derived from it.
 */

export const controlAccessCutData = z
  .object({
    jid: bareJidSchema.describe('the account whose sessions it concerns'),
    reason: z
      .enum(['account-deleted', 'password-changed', 'client-revoked'])
      .describe('why: also the session.ended reason of every session it ends'),
    clientId: clientIdSchema.optional().describe("client-revoked: the client whose sessions end (all of the account's otherwise)"),
    fullJids: z
      .array(fullJidSchema)
      .max(1024)
      .optional()
      .describe('client-revoked: full JIDs the client was known to be bound to; sessions there end too'),
    cause: z
      .object({ type: z.string().min(1), id: z.string().min(1) })
      .describe('the event that decided it (account.deleted, account.password-changed or client.revoked): type and id'),
  })
  .meta({ description: "Live access of an account, or of one of its clients, ends: every gateway replica closes the sessions it concerns." });
export type ControlAccessCutData = z.output<typeof controlAccessCutData>;
export type ControlAccessCut = Event<'gatehouse.control.access-cut.v1', ControlAccessCutData>;

export const control = defineAggregate({
  name: 'control',
  stream: 'control',
  key: 'subjectToken() of the bare JID',
  events: {
    'gatehouse.control.access-cut.v1': controlAccessCutData,
  },
});

export type ControlEvent = EventsOf<typeof control.events>;
export const isControlEvent = guardFor(control);
