import type { AggregateDefinition, Fact } from '@gatehouse/event-store';
import type { GatehouseEvent } from '@gatehouse/events';
import type { ClientKey } from './client-key.ts';

/**
 * The state of each client's aggregate of one kind, folded from the events of one
 * account's wildcard subject (one read, in stream order): what "every client of alice"
 * needs, without an index of every account's clients held in memory.
 */
export function clientStates<Command, State, E extends GatehouseEvent>(
  events: GatehouseEvent[],
  definition: AggregateDefinition<ClientKey, Command, State, E>,
): Map<string, State> {
  const states = new Map<string, State>();
  for (const event of events) {
    if (!definition.isEvent(event)) continue;
    const { clientId } = event.data as ClientKey;
    // A stored envelope is structurally its fact (@gatehouse/event-store `Fact`).
    states.set(clientId, definition.evolve(states.get(clientId) ?? definition.initialState(), event as unknown as Fact<E>));
  }
  return states;
}
