import { isBlocklistEvent, namesFor, type BlocklistEvent } from '@gatehouse/events';
import type { AggregateDefinition, Fact } from './definition.ts';

/*
 * A counter for the tests of this library, stored as block-list events: an existing type
 * on an existing stream whose data carries a command id (as the JID `<id>@counter.test`).
 * Increment blocks, Decrement unblocks. The state lists every event's command id in
 * order, so an event stored twice shows twice and a lost one is missing.
 */

export interface CounterState {
  count: number;
  /** `+id` per increment, `-id` per decrement, in stream order. */
  log: string[];
}

export type CounterCommand =
  | { type: 'Increment'; owner: string; id: string }
  | { type: 'Decrement'; owner: string; id: string }
  | { type: 'DecrementIfAny'; owner: string; id: string };

export class CounterEmptyError extends Error {
  readonly code = 'counter-empty';
  constructor() {
    super('nothing to decrement');
    this.name = 'CounterEmptyError';
  }
}

const jidOf = (id: string) => `${id}@counter.test`;
const idOf = (jids: string[]) => jids[0]!.split('@')[0]!;

export type CounterDefinition = AggregateDefinition<string, CounterCommand, CounterState, BlocklistEvent>;

export function counter(ns: string, hooks: Pick<CounterDefinition, 'confirmNoop' | 'confirmRefusal'> = {}): CounterDefinition {
  return {
    name: 'counter',
    subject: (owner) => namesFor(ns).subjects.blocklist(owner),
    isEvent: isBlocklistEvent,
    initialState: () => ({ count: 0, log: [] }),
    evolve(state, event) {
      switch (event.type) {
        case 'gatehouse.blocklist.blocked.v1':
          return { count: state.count + 1, log: [...state.log, `+${idOf(event.data.jids)}`] };
        case 'gatehouse.blocklist.unblocked.v1':
          return { count: state.count - 1, log: [...state.log, `-${idOf(event.data.jids)}`] };
        default: {
          const unexpected: never = event;
          throw new Error(`unhandled event ${JSON.stringify(unexpected)}`);
        }
      }
    },
    decide(command, state, now): Fact<BlocklistEvent>[] {
      const time = now.toISOString();
      const { owner, id } = command;
      switch (command.type) {
        case 'Increment':
          // Idempotent: an increment already counted is nothing to do.
          return state.log.includes(`+${id}`) ? [] : [{ type: 'gatehouse.blocklist.blocked.v1', time, data: { owner, jids: [jidOf(id)] } }];
        case 'Decrement':
          if (state.count === 0) throw new CounterEmptyError();
          return [{ type: 'gatehouse.blocklist.unblocked.v1', time, data: { owner, jids: [jidOf(id)], all: false } }];
        case 'DecrementIfAny':
          return state.count === 0 ? [] : [{ type: 'gatehouse.blocklist.unblocked.v1', time, data: { owner, jids: [jidOf(id)], all: false } }];
        default: {
          const unexpected: never = command;
          throw new Error(`unhandled command ${JSON.stringify(unexpected)}`);
        }
      }
    },
    ...hooks,
  };
}
