import { z } from 'zod';
import { defineAggregate, guardFor, type EventsOf } from './aggregate.ts';
import type { Event } from './envelope.ts';
import { bareJidSchema } from './fields.ts';

/*
 * RFC 6121 rosters. Every event carries the roster item as it is after the change, so a
 * reader (the gateway's roster pushes, an integrator) needs no state of its own, and the
 * roster version (§2.6) the change produced, which pushes quote as `ver`.
 */

/** A roster item's address: normally a bare JID, but RFC 6121 §2.1.1 allows any JID. */
export const rosterJidSchema = z
  .string()
  .min(1)
  .max(3071)
  .regex(/^[^\s]+$/, 'a JID without whitespace')
  .describe('JID of the contact, normalised (RFC 7622); usually a bare JID');

export const subscriptionSchema = z
  .enum(['none', 'to', 'from', 'both'])
  .describe("RFC 6121 §2.1.2.5: 'to' = the owner sees the contact's presence, 'from' = the contact sees the owner's");

export const rosterItemSchema = z
  .object({
    jid: rosterJidSchema,
    name: z.string().min(1).max(1023).optional().describe('the handle the owner gave the contact'),
    groups: z.array(z.string().min(1).max(1023)).max(256).describe('roster groups (RFC 6121 §2.1.2.4), no duplicates'),
    subscription: subscriptionSchema,
    ask: z.boolean().describe("a subscription request to the contact awaits an answer (RFC 6121 ask='subscribe', 'Pending Out')"),
    approved: z.boolean().describe('the owner pre-approved a subscription from the contact (RFC 6121 §3.4)'),
  })
  .describe('a roster item as RFC 6121 §2.1 describes it');
export type RosterItem = z.output<typeof rosterItemSchema>;

const version = z.number().int().min(0).describe('roster version after the change (RFC 6121 §2.6); pushes carry it as ver');

export const rosterItemSetData = z
  .object({ owner: bareJidSchema, version, item: rosterItemSchema })
  .meta({ description: "The owner added a contact to the roster, or changed its name or groups (RFC 6121 §2.3, §2.4). Subscription fields are unchanged by it." });
export type RosterItemSetData = z.output<typeof rosterItemSetData>;
export type RosterItemSet = Event<'gatehouse.roster.item-set.v1', RosterItemSetData>;

export const rosterItemRemovedData = z
  .object({ owner: bareJidSchema, version, jid: rosterJidSchema })
  .meta({ description: 'The owner removed a contact (RFC 6121 §2.5); any subscription both ways and any pending request ended with it.' });
export type RosterItemRemovedData = z.output<typeof rosterItemRemovedData>;
export type RosterItemRemoved = Event<'gatehouse.roster.item-removed.v1', RosterItemRemovedData>;

export const subscriptionPresenceSchema = z.enum(['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed']);

export const rosterSubscriptionChangedData = z
  .object({
    owner: bareJidSchema,
    version,
    direction: z.enum(['outbound', 'inbound']).describe("'outbound': the owner sent the presence; 'inbound': the contact did"),
    presence: subscriptionPresenceSchema.describe('the subscription presence type that caused the change (RFC 6121 Appendix A)'),
    item: rosterItemSchema.describe("the contact's subscription state after the change"),
    onRoster: z.boolean().describe('false only for someone who merely asked to subscribe: RFC 6121 keeps such a request off the roster'),
    itemChanged: z
      .boolean()
      .describe('the item as clients see it changed, so it is pushed (RFC 6121 §2.1.6); false when only pendingIn or request changed'),
    pendingIn: z.boolean().describe("the contact's subscription request awaits the owner's answer ('Pending In')"),
    request: z
      .string()
      .max(16_384)
      .optional()
      .describe('the inbound subscribe presence (XML) kept while the request is pending, delivered again at each login'),
  })
  .meta({ description: "A presence subscription between the owner and a contact changed state (RFC 6121 §3, Appendix A)." });
export type RosterSubscriptionChangedData = z.output<typeof rosterSubscriptionChangedData>;
export type RosterSubscriptionChanged = Event<'gatehouse.roster.subscription-changed.v1', RosterSubscriptionChangedData>;

export const rosterSyncedData = z
  .object({
    owner: bareJidSchema,
    version,
    set: z.array(rosterItemSchema).describe('contacts added or changed'),
    removed: z.array(rosterJidSchema).describe('contacts no longer on the roster'),
  })
  .meta({ description: 'The roster was fetched from the external web app (ROSTER_HTTP_URL, mod_http_roster_admin): the differences from what was stored.' });
export type RosterSyncedData = z.output<typeof rosterSyncedData>;
export type RosterSynced = Event<'gatehouse.roster.synced.v1', RosterSyncedData>;

export const rosterClearedData = z
  .object({
    owner: bareJidSchema,
    version,
    removed: z.array(rosterJidSchema).describe('the contacts that were on the roster; the version grew by one for each'),
    reason: z.enum(['account-deleted']).describe('why the roster was emptied'),
    more: z
      .literal(true)
      .optional()
      .describe('further cleared events follow: this one removes only its `removed` contacts, the last (without `more`) empties the roster'),
  })
  .meta({
    description:
      "The owner's roster was emptied, with every subscription and pending request, because the account was deleted. The contacts' own rosters change by their own subscription-changed events.",
  });
export type RosterClearedData = z.output<typeof rosterClearedData>;
export type RosterCleared = Event<'gatehouse.roster.cleared.v1', RosterClearedData>;

export const roster = defineAggregate({
  name: 'roster',
  stream: 'rosters',
  key: 'subjectToken() of the bare JID of the roster owner',
  events: {
    'gatehouse.roster.item-set.v1': rosterItemSetData,
    'gatehouse.roster.item-removed.v1': rosterItemRemovedData,
    'gatehouse.roster.subscription-changed.v1': rosterSubscriptionChangedData,
    'gatehouse.roster.synced.v1': rosterSyncedData,
    'gatehouse.roster.cleared.v1': rosterClearedData,
  },
});

export type RosterEvent = EventsOf<typeof roster.events>;
export const isRosterEvent = guardFor(roster);
