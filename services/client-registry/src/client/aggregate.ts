import type { AggregateDefinition } from '@gatehouse/event-store';
import { isClientEvent, type ClientEvent, type Names } from '@gatehouse/events';
import { evolve, initialState, type ClientKey, type ClientState } from './client.ts';
import { decide, type ClientCommand } from './decide.ts';

export type ClientDefinition = AggregateDefinition<ClientKey, ClientCommand, ClientState, ClientEvent>;

/**
 * The client aggregate (one per account and client id) for @gatehouse/event-store. A
 * "nothing to do" decided on a cached state is confirmed on the state as stored before it
 * is believed, except a routine login of a known client: it is every login's outcome, and
 * a read per login is the cost catalog v2 removes. What it could miss is a revocation or
 * forgetting stored within the last moments by another replica, which the registry's
 * follower of the clients stream evicts from the cache a moment later (service.ts).
 */
export function clientAggregate(names: Names): ClientDefinition {
  return {
    name: 'client',
    subject: ({ jid, clientId }) => names.subjects.client(jid, clientId),
    isEvent: isClientEvent,
    initialState,
    evolve,
    decide,
    confirmNoop: (command, state) => !(command.type === 'RecordAuthentication' && state.status === 'known'),
  };
}
