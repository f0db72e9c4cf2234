import { appendEvent, readAggregate, type NatsConnection } from '@gatehouse/bus';
import { createEvent, isAccountEvent, namesFor } from '@gatehouse/events';
import { evolve, initialState } from './account.ts';
import type { AccountsStream } from './command-handler.ts';

/** CloudEvents `source` of everything this service writes. */
export const tokenSource = 'gatehouse/token';

/** The accounts stream of one namespace on JetStream. */
export function natsAccountsStream(nc: NatsConnection, ns: string): AccountsStream {
  const names = namesFor(ns);
  return {
    async append(fact, expectedSequence, eventId) {
      const event = createEvent(fact.type, {
        id: eventId,
        subject: names.subjects.account(fact.data.jid),
        source: tokenSource,
        data: fact.data,
        time: fact.time,
      });
      const { seq } = await appendEvent(nc, event, { expectedLastSubjectSequence: expectedSequence });
      return seq;
    },
    async load(jid) {
      const { events, lastSequence } = await readAggregate(nc, names.streams.accounts, names.subjects.account(jid));
      return { state: events.filter(isAccountEvent).reduce(evolve, initialState()), sequence: lastSequence };
    },
  };
}
