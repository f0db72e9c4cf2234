import { z } from 'zod';
import { defineAggregate, guardFor, type EventsOf } from './aggregate.ts';
import type { Event } from './envelope.ts';
import { bareJidSchema } from './fields.ts';
import { rosterJidSchema } from './roster.ts';

/*
 * XEP-0191 block lists. An aggregate of its own (blocking never waits on a roster
 * change), stored in the rosters stream so one consumer sees both.
 */

export const blocklistBlockedData = z
  .object({ owner: bareJidSchema, jids: z.array(rosterJidSchema).min(1).describe('JIDs newly blocked (XEP-0191 §3.3)') })
  .meta({ description: 'The owner blocked communication with these JIDs: they no longer see its presence nor reach it.' });
export type BlocklistBlockedData = z.output<typeof blocklistBlockedData>;
export type BlocklistBlocked = Event<'gatehouse.blocklist.blocked.v1', BlocklistBlockedData>;

export const blocklistUnblockedData = z
  .object({
    owner: bareJidSchema,
    jids: z.array(rosterJidSchema).min(1).describe('JIDs no longer blocked'),
    all: z.boolean().describe('the owner asked to unblock everyone (XEP-0191 §3.4, an empty <unblock/>)'),
  })
  .meta({ description: 'The owner unblocked these JIDs.' });
export type BlocklistUnblockedData = z.output<typeof blocklistUnblockedData>;
export type BlocklistUnblocked = Event<'gatehouse.blocklist.unblocked.v1', BlocklistUnblockedData>;

export const blocklist = defineAggregate({
  name: 'blocklist',
  stream: 'rosters',
  key: 'subjectToken() of the bare JID of the owner',
  events: {
    'gatehouse.blocklist.blocked.v1': blocklistBlockedData,
    'gatehouse.blocklist.unblocked.v1': blocklistUnblockedData,
  },
});

export type BlocklistEvent = EventsOf<typeof blocklist.events>;
export const isBlocklistEvent = guardFor(blocklist);
