import { setTimeout as sleep } from 'node:timers/promises';
import { WrongExpectedSequenceError } from '@gatehouse/bus';
import type { AggregateView, Known } from './aggregate-view.ts';

/** The stream side of an aggregate kind, injected so the retry logic is tested without NATS. */
export interface AggregateStream<State, Fact> {
  /** Appends if the aggregate's last sequence is still `expectedSequence`; resolves to the new one. */
  append(key: string, fact: Fact, expectedSequence: number): Promise<number>;
  /** Reads one aggregate's whole history back from the stream. */
  load(key: string): Promise<Known<State>>;
}

export interface Decided<State, Fact> {
  /** The state the command was decided against (after any conflict re-read). */
  before: State;
  facts: Fact[];
  /** The state after the facts. */
  after: State;
}

/**
 * Decides against the state this replica knows and appends with optimistic concurrency.
 * Commands for one aggregate run one at a time on this replica, so only another replica
 * can have written first: then the aggregate is re-read from the stream and the command
 * decided again, after a short random pause, which is safe because `decide` is pure.
 */
export function createCommandHandler<Command, State, Fact>(deps: {
  view: AggregateView<State, Fact>;
  stream: AggregateStream<State, Fact>;
  decide: (command: Command, state: State) => Fact[];
  keyOf: (command: Command) => string;
  maxAttempts?: number;
}): (command: Command) => Promise<Decided<State, Fact>> {
  const { view, stream, decide, keyOf, maxAttempts = 8 } = deps;
  const queues = new Map<string, Promise<unknown>>();
  const run = async (key: string, command: Command): Promise<Decided<State, Fact>> => {
    for (let attempt = 1; ; attempt += 1) {
      const known = view.get(key);
      const facts = decide(command, known.state);
      try {
        let sequence = known.sequence;
        for (const fact of facts) {
          sequence = await stream.append(key, fact, sequence);
          // Applied now, not when the follower delivers it, so this replica reads its own writes.
          view.apply(key, fact, sequence);
        }
        return { before: known.state, facts, after: view.get(key).state };
      } catch (error) {
        if (!(error instanceof WrongExpectedSequenceError) || attempt >= maxAttempts) throw error;
        await sleep(Math.random() * 20 * attempt);
        view.replace(key, await stream.load(key));
      }
    }
  };
  return (command) => {
    const key = keyOf(command);
    const result = (queues.get(key) ?? Promise.resolve()).then(() => run(key, command));
    const settled = result.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return result;
  };
}
