/**
 * The block list as an aggregate of @gatehouse/event-store. A block list is bounded
 * (BLOCKLIST_MAX_ITEMS) and changes rarely: no snapshots.
 */
import { isBlocklistEvent, type BlocklistEvent } from '@gatehouse/events';
import type { AggregateDefinition, EventStore } from '@gatehouse/event-store';
import { evolve, initialState, type BlocklistState } from './blocklist.ts';
import { decide, type BlocklistCommand, type BlocklistLimits } from './decide.ts';

export type BlocklistStore = EventStore<string, BlocklistCommand, BlocklistState, BlocklistEvent>;

export function blocklistAggregate(subject: (owner: string) => string, limits: BlocklistLimits): AggregateDefinition<string, BlocklistCommand, BlocklistState, BlocklistEvent> {
  return {
    name: 'blocklist',
    subject,
    isEvent: isBlocklistEvent,
    initialState,
    evolve,
    decide: (command, state, now) => decide(command, state, now, limits),
    // As for rosters: blocking what looks blocked, or a deletion's ForgetBlocklist, is checked on the stored list.
    confirmNoop: () => true,
  };
}
