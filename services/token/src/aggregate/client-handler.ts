import { WrongExpectedSequenceError } from '@gatehouse/bus';
import type { ClientKey, ClientView, Known } from './client-view.ts';

/** The stream side of one kind of per-client aggregate, injected so tests need no NATS. */
export interface ClientStream<F, State> {
  /** Appends if the aggregate's last sequence is still `expectedSequence`; resolves to the new one. */
  append(fact: F, expectedSequence: number): Promise<number>;
  /** Reads one aggregate's whole history back from the stream. */
  load(key: ClientKey): Promise<Known<State>>;
}

export interface ClientHandlerDeps<C extends ClientKey, F extends { data: ClientKey }, State> {
  view: ClientView<State, F>;
  stream: ClientStream<F, State>;
  decide: (command: C, state: State, now: Date) => F[];
  clock: () => Date;
  /**
   * Commands whose "nothing to do" must be checked against the stream before it is
   * believed (an invalidation that finds no token may only not have seen it yet).
   */
  confirmNoop?: (command: C) => boolean;
  /**
   * Refusals to check against the stream before they are believed: those a newer state
   * could turn into a success. Default: every coded refusal.
   */
  confirmRefusal?: (error: Error & { code: string }) => boolean;
  /** Decide-and-append attempts before a conflict is reported; default 5. */
  maxAttempts?: number;
}

/** What a command did: the facts appended, and the aggregate's state after them. */
export interface Outcome<F, State> {
  facts: F[];
  state: State;
}

export type ClientHandler<C, F, State> = (command: C) => Promise<Outcome<F, State>>;

/** A refusal `decide` throws (a coded Error), as opposed to a bug. */
const isRefusal = (error: unknown): error is Error & { code: string } =>
  error instanceof Error && typeof (error as { code?: unknown }).code === 'string';

/**
 * Decides against this replica's view and appends with optimistic concurrency, as the
 * account handler does. The view may lag a write another replica made a moment ago:
 * an append then conflicts and the aggregate is re-read, but a decision that appends
 * nothing cannot conflict. So a refusal or no-op that newer events could overturn
 * (`confirmRefusal`, `confirmNoop`) is decided once more on the aggregate re-read from
 * the stream before it is answered: a client that logs in with a token another replica
 * issued a millisecond earlier is not refused for it.
 */
export function createClientHandler<C extends ClientKey, F extends { data: ClientKey }, State>({
  view,
  stream,
  decide,
  clock,
  confirmNoop = () => false,
  confirmRefusal = () => true,
  maxAttempts = 5,
}: ClientHandlerDeps<C, F, State>): ClientHandler<C, F, State> {
  return async (command) => {
    let reloaded = false;
    const reload = async () => {
      view.replace(command, await stream.load(command));
      reloaded = true;
    };
    for (let conflicts = 0; ; ) {
      const known = view.get(command);
      let facts: F[];
      try {
        facts = decide(command, known.state, clock());
      } catch (error) {
        if (reloaded || !isRefusal(error) || !confirmRefusal(error)) throw error;
        await reload();
        continue;
      }
      if (facts.length === 0 && !reloaded && confirmNoop(command)) {
        await reload();
        continue;
      }
      try {
        let sequence = known.sequence;
        for (const fact of facts) {
          sequence = await stream.append(fact, sequence);
          // Applied now, not when the follower delivers it, so this replica reads its own writes.
          view.apply(fact, sequence);
        }
        return { facts, state: view.get(command).state };
      } catch (error) {
        conflicts += 1;
        if (!(error instanceof WrongExpectedSequenceError) || conflicts >= maxAttempts) throw error;
        await reload();
      }
    }
  };
}
