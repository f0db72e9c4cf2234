/** An aggregate's state and the stream sequence of its last event (0: no event yet). */
export interface Known<State> {
  state: State;
  sequence: number;
}

/**
 * Every aggregate of one kind in memory, folded from the stream. An event may arrive
 * twice (once when this replica appends it, once through the stream follower):
 * sequences make applying it idempotent.
 */
export class AggregateView<State, Fact> {
  readonly #known = new Map<string, Known<State>>();

  constructor(
    private readonly initialState: () => State,
    private readonly evolve: (state: State, fact: Fact) => State,
  ) {}

  get(key: string): Known<State> {
    return this.#known.get(key) ?? { state: this.initialState(), sequence: 0 };
  }

  /** Folds one stored event; one at or below the aggregate's known sequence is already in. */
  apply(key: string, fact: Fact, sequence: number): boolean {
    const known = this.get(key);
    if (sequence <= known.sequence) return false;
    this.#known.set(key, { state: this.evolve(known.state, fact), sequence });
    return true;
  }

  /** Replaces an aggregate with its state re-read from the stream after a conflict. */
  replace(key: string, known: Known<State>): void {
    if (known.sequence >= this.get(key).sequence) this.#known.set(key, known);
  }

  keys(): IterableIterator<string> {
    return this.#known.keys();
  }
}
