import type { BlocklistEvent, Event } from '@gatehouse/events';

type Fact<E> = E extends Event<infer Type, infer Data> ? { type: Type; time: string; data: Data } : never;
export type BlocklistFact = Fact<BlocklistEvent>;

/**
 * One account's XEP-0191 block list, in the order items were blocked. No `status`
 * union: like a roster, every account has one, empty until used.
 */
export interface BlocklistState {
  blocked: readonly string[];
  /** Time of the last change: tells a new account of a deleted name (account/new-account.ts). */
  changedAt?: string;
}

export function initialState(): BlocklistState {
  return { blocked: [] };
}

export function evolve(state: BlocklistState, event: BlocklistFact): BlocklistState {
  switch (event.type) {
    case 'gatehouse.blocklist.blocked.v1':
      return { blocked: [...state.blocked, ...event.data.jids.filter((jid) => !state.blocked.includes(jid))], changedAt: event.time };
    case 'gatehouse.blocklist.unblocked.v1': {
      const unblocked = new Set(event.data.jids);
      return { blocked: state.blocked.filter((jid) => !unblocked.has(jid)), changedAt: event.time };
    }
    default: {
      const unexpected: never = event;
      throw new Error(`unhandled blocklist event ${JSON.stringify(unexpected)}`);
    }
  }
}
