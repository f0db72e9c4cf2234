import { appendEvent, readAggregate, type NatsConnection } from '@gatehouse/bus';
import { createEvent, type EventType, type GatehouseEvent } from '@gatehouse/events';
import { tokenSource } from '../account/accounts-stream.ts';
import type { ClientStream } from './client-handler.ts';
import type { ClientKey } from './client-view.ts';

export interface ClientStreamOptions<F, State> {
  /** JetStream stream holding the aggregate (`namesFor(ns).streams.tokens`). */
  stream: string;
  /** `namesFor(ns).subjects.grant` or `.fastToken`. */
  subject: (jid: string, clientId: string) => string;
  isFact: (event: GatehouseEvent) => boolean;
  evolve: (state: State, fact: F) => State;
  initialState: () => State;
}

/** One kind of per-client aggregate on JetStream. */
export function natsClientStream<F extends { type: EventType; time: string; data: ClientKey }, State>(
  nc: NatsConnection,
  { stream, subject, isFact, evolve, initialState }: ClientStreamOptions<F, State>,
): ClientStream<F, State> {
  return {
    async append(fact, expectedSequence) {
      // A random event id (createEvent's default), for the reason accounts-stream.ts gives.
      const event = createEvent(fact.type, {
        subject: subject(fact.data.jid, fact.data.clientId),
        source: tokenSource,
        data: fact.data as never,
        time: fact.time,
      });
      const { seq } = await appendEvent(nc, event, { expectedLastSubjectSequence: expectedSequence });
      return seq;
    },
    async load({ jid, clientId }) {
      const { events, lastSequence } = await readAggregate(nc, stream, subject(jid, clientId));
      const facts = events.filter(isFact) as unknown as F[];
      return { state: facts.reduce(evolve, initialState()), sequence: lastSequence };
    },
  };
}
