import assert from 'node:assert/strict';

/**
 * The shape of an aggregate. `decide` takes only command and state:
 * a decider that also needs `now` or ids is closed over them by the test
 * (`decide: (command, state) => decide(command, state, now)`), which keeps the
 * helper ignorant of any one aggregate's extra inputs.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface DeciderThen<Event> {
  /** The command decides exactly these events, in this order. */
  then(expected: Event[]): void;
  /** The command is refused with an instance of `errorClass`; `check` may look closer. */
  thenThrows<E extends Error>(errorClass: abstract new (...args: never[]) => E, check?: (error: E) => void): void;
}

export interface DeciderWhen<Command, Event> {
  when(command: Command): DeciderThen<Event>;
}

export interface DeciderGiven<Command, Event> {
  /** The history of the aggregate, oldest first, folded with `evolve` from `initialState()`. */
  given(events: Event[]): DeciderWhen<Command, Event>;
}

/**
 * Given-when-then for deciders (emmett `deciderSpecification.ts`):
 *
 *   deciderSpec(account).given([created]).when(deleteAlice).then([deleted]);
 */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>): DeciderGiven<Command, Event> {
  return {
    given: (history) => ({
      when: (command) => {
        const run = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
        return {
          then: (expected) => {
            assert.deepStrictEqual(run(), expected);
          },
          thenThrows: (errorClass, check) => {
            let decided: Event[];
            try {
              decided = run();
            } catch (error) {
              assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${describeThrown(error)}`);
              check?.(error);
              return;
            }
            assert.fail(`expected ${errorClass.name}, but the command decided ${JSON.stringify(decided)}`);
          },
        };
      },
    }),
  };
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
}
