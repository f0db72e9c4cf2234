import { appendEvent, managerOf, readAggregate, type NatsConnection } from '@gatehouse/bus';
import { createEvent, isClientEvent, namesFor } from '@gatehouse/events';
import { evolve, initialState, type ClientFact, type ClientKey } from '../client/client.ts';
import type { Known } from './client-view.ts';

export const registrySource = 'gatehouse/client-registry';

/** The stream side of the client aggregate, injected so tests of the handler need no NATS. */
export interface ClientStream {
  /**
   * Appends if the aggregate's last sequence is still `expectedSequence`; resolves to the
   * new one. `eventId` (default random) is also the Nats-Msg-Id: a repeat within the
   * stream's duplicate window is stored once.
   */
  append(fact: ClientFact, expectedSequence: number, eventId?: string): Promise<number>;
  /** Reads one aggregate's whole history back from the stream. */
  load(key: ClientKey): Promise<Known>;
  /** The stream sequence of the aggregate's last event (0: none), in one read. */
  lastSequence(key: ClientKey): Promise<number>;
}

export function natsClientStream(nc: NatsConnection, ns: string): ClientStream {
  const names = namesFor(ns);
  return {
    async append(fact, expectedSequence, eventId) {
      const event = createEvent(fact.type, {
        subject: names.subjects.client(fact.data.jid, fact.data.clientId),
        source: registrySource,
        data: fact.data as never,
        time: fact.time,
        ...(eventId === undefined ? {} : { id: eventId }),
      });
      const { seq } = await appendEvent(nc, event, { expectedLastSubjectSequence: expectedSequence });
      return seq;
    },
    async load({ jid, clientId }) {
      const { events, lastSequence } = await readAggregate(nc, names.streams.clients, names.subjects.client(jid, clientId));
      return { state: events.filter(isClientEvent).reduce<Known['state']>((state, event) => evolve(state, event as ClientFact), initialState()), sequence: lastSequence };
    },
    async lastSequence({ jid, clientId }) {
      const last = await (await managerOf(nc)).streams.getMessage(names.streams.clients, { last_by_subj: names.subjects.client(jid, clientId) });
      return last?.seq ?? 0;
    },
  };
}
