import { appendEvent, readAggregate, type NatsConnection } from '@gatehouse/bus';
import { createEvent, type EventDataMap, type EventType, type GatehouseEvent } from '@gatehouse/events';
import type { Known } from './aggregate-view.ts';
import type { AggregateStream } from './command-handler.ts';

/** CloudEvents `source` of everything this service writes. */
export const rosterSyncSource = 'gatehouse/roster-sync';

type AnyFact = { type: EventType; time: string; data: unknown };

/** One aggregate kind on JetStream: its subject per key, and how to fold its events. */
export function natsAggregateStream<State, Fact extends AnyFact>(opts: {
  nc: NatsConnection;
  stream: string;
  subjectOf: (key: string) => string;
  isFact: (event: GatehouseEvent) => boolean;
  initialState: () => State;
  evolve: (state: State, fact: Fact) => State;
}): AggregateStream<State, Fact> {
  const { nc, stream, subjectOf, isFact, initialState, evolve } = opts;
  return {
    async append(key, fact, expectedSequence) {
      // A random event id (createEvent's default): an id derived from the command would let
      // two replicas' racing appends de-duplicate into one "success" instead of a conflict.
      const event = createEvent(fact.type, {
        subject: subjectOf(key),
        source: rosterSyncSource,
        data: fact.data as EventDataMap[typeof fact.type],
        time: fact.time,
      });
      const { seq } = await appendEvent(nc, event, { expectedLastSubjectSequence: expectedSequence });
      return seq;
    },
    async load(key): Promise<Known<State>> {
      const { events, lastSequence } = await readAggregate(nc, stream, subjectOf(key));
      const facts = events.filter(isFact) as unknown as Fact[];
      return { state: facts.reduce(evolve, initialState()), sequence: lastSequence };
    },
  };
}
