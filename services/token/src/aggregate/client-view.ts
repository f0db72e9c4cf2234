/** Grants and FAST tokens are kept per account and XEP-0388 client id. */
export interface ClientKey {
  jid: string;
  clientId: string;
}

/** One aggregate's state and the stream sequence of its last event (0: none yet). */
export interface Known<State> {
  state: State;
  sequence: number;
}

/**
 * Every (account, client) aggregate of one kind in memory, folded from the stream, with
 * an index by account for "every client of alice". Events may arrive twice (appended
 * here, then delivered by the follower): sequences make applying them idempotent.
 */
export class ClientView<State, F extends { data: ClientKey }> {
  readonly #byAccount = new Map<string, Map<string, Known<State>>>();

  constructor(
    private readonly evolve: (state: State, fact: F) => State,
    private readonly initialState: () => State,
  ) {}

  get({ jid, clientId }: ClientKey): Known<State> {
    return this.#byAccount.get(jid)?.get(clientId) ?? { state: this.initialState(), sequence: 0 };
  }

  /** Folds one stored event; one at or below the aggregate's known sequence is already in. */
  apply(fact: F, sequence: number): void {
    const known = this.get(fact.data);
    if (sequence <= known.sequence) return;
    this.#set(fact.data, { state: this.evolve(known.state, fact), sequence });
  }

  /** Replaces an aggregate with its state re-read from the stream, unless that is older. */
  replace(key: ClientKey, known: Known<State>): void {
    if (known.sequence >= this.get(key).sequence) this.#set(key, known);
  }

  /** Client ids with any history on the account. */
  clientsOf(jid: string): string[] {
    return [...(this.#byAccount.get(jid)?.keys() ?? [])];
  }

  #set({ jid, clientId }: ClientKey, known: Known<State>): void {
    const clients = this.#byAccount.get(jid) ?? new Map<string, Known<State>>();
    clients.set(clientId, known);
    this.#byAccount.set(jid, clients);
  }
}
