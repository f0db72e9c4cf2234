import { managerOf, readAggregate, type NatsConnection } from '@gatehouse/bus';
import type { EventStore } from '@gatehouse/event-store';
import { isClientEvent, type ClientEvent, type GatehouseEvent, type Names } from '@gatehouse/events';
import { evolve, initialState, type ClientFact, type ClientKey, type ClientState } from '../client/client.ts';
import type { ClientCommand } from '../client/decide.ts';

export const registrySource = 'gatehouse/client-registry';

/** The client aggregates, loaded on demand (@gatehouse/event-store). */
export type ClientStore = EventStore<ClientKey, ClientCommand, ClientState, ClientEvent>;

/** Every client of one account with a history, by client id, as of one read of the stream. */
export type AccountClients = (jid: string) => Promise<Map<string, ClientState>>;

/** Folds the events of several clients (oldest first) into each one's state. */
export function foldClients(events: readonly GatehouseEvent[]): Map<string, ClientState> {
  const states = new Map<string, ClientState>();
  for (const event of events) {
    if (!isClientEvent(event)) continue;
    const { clientId } = event.data;
    states.set(clientId, evolve(states.get(clientId) ?? initialState(), event as ClientFact));
  }
  return states;
}

/** One wildcard read of the account's client subjects (`<ns>.client.<jid>.*`): no map of every client is kept. */
export function natsAccountClients(nc: NatsConnection, names: Names): AccountClients {
  return async (jid) => foldClients((await readAggregate(nc, names.streams.clients, names.subjects.accountClients(jid))).events);
}

/**
 * How many clients of the account have a history (forgotten ones too): one stream info
 * request, no message read. At most this many are known, so the client limit reads the
 * clients themselves only past it.
 */
export function natsClientSubjectCount(nc: NatsConnection, names: Names): (jid: string) => Promise<number> {
  return async (jid) => {
    const info = await (await managerOf(nc)).streams.info(names.streams.clients, { subjects_filter: names.subjects.accountClients(jid) });
    return Object.keys(info.state.subjects ?? {}).length;
  };
}
