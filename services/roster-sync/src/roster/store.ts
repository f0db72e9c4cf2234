/**
 * The roster as an aggregate of @gatehouse/event-store: loaded from its own subject when a
 * request needs it, cached, appended with the expected last subject sequence. Rosters can
 * be long (thousands of changes, large synced and cleared events), so they are snapshotted.
 */
import { isRosterEvent, storedRosterItemSchema, type RosterEvent } from '@gatehouse/events';
import type { AggregateDefinition, EventStore, StateJson } from '@gatehouse/event-store';
import { z } from 'zod';
import type { RosterLimits } from './bounds.ts';
import { decide, type RosterCommand } from './decide.ts';
import { evolve, initialState, type Contact, type RosterState } from './roster.ts';

export type RosterStore = EventStore<string, RosterCommand, RosterState, RosterEvent>;

/**
 * A contact as a snapshot holds it. No length limits: a roster stored over the limits by an
 * older version (docs/rosters.md, Limits) must still be read back from its snapshot.
 */
const storedContact = storedRosterItemSchema.extend({
  onRoster: z.boolean(),
  pendingIn: z.boolean(),
  request: z.string().optional(),
});

const storedRoster = z.object({
  version: z.number().int().min(0),
  contacts: z.array(storedContact),
  synced: z.boolean(),
  changedAt: z.string().optional(),
});

/** The contacts Map as an array of contacts (each keyed by its own jid). */
export const rosterStateJson: StateJson<RosterState> = {
  version: 1,
  toJSON: (state) => ({ ...state, contacts: [...state.contacts.values()] }),
  fromJSON(json) {
    const { contacts, changedAt, ...rest } = storedRoster.parse(json);
    const byJid = new Map<string, Contact>();
    for (const { name, request, ...contact } of contacts) {
      byJid.set(contact.jid, { ...contact, ...(name === undefined ? {} : { name }), ...(request === undefined ? {} : { request }) });
    }
    return { ...rest, contacts: byJid, ...(changedAt === undefined ? {} : { changedAt }) };
  },
};

export function rosterAggregate(subject: (owner: string) => string, limits: RosterLimits): AggregateDefinition<string, RosterCommand, RosterState, RosterEvent> {
  return {
    name: 'roster',
    subject,
    isEvent: isRosterEvent,
    initialState,
    evolve,
    decide: (command, state, now) => decide(command, state, { now, ...limits }),
    // A "nothing to do" decided on a cached roster may miss what another replica just
    // stored (a deletion's ForgetRoster above all): one look-up of the last sequence settles it.
    confirmNoop: () => true,
    stateJson: rosterStateJson,
  };
}
