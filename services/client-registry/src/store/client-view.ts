import { evolve, initialState, type ClientFact, type ClientKey, type ClientState } from '../client/client.ts';
import { withLogins } from '../client/with-logins.ts';
import type { LoginView } from '../logins/login-view.ts';

/** One aggregate's state and the stream sequence of its last event (0: none yet). */
export interface Known {
  state: ClientState;
  sequence: number;
}

/**
 * Every client aggregate in memory, folded from the clients stream, indexed by account
 * ("every client of alice"). Events may arrive twice (appended here, then delivered by the
 * follower): sequences make applying them idempotent. With a login view, `state` and
 * `statesOf` add what logins changed since (with-logins.ts): what decisions and listings
 * read; `get` is the record alone, as the stream folds it.
 */
export class ClientView {
  readonly #byAccount = new Map<string, Map<string, Known>>();

  constructor(private readonly logins?: LoginView) {}

  get({ jid, clientId }: ClientKey): Known {
    return this.#byAccount.get(jid)?.get(clientId) ?? { state: initialState(), sequence: 0 };
  }

  /** The client's record with its logins since. */
  state(key: ClientKey): ClientState {
    const { state } = this.get(key);
    return this.logins ? withLogins(state, this.logins.of(key)) : state;
  }

  /** Folds one stored event; one at or below the aggregate's known sequence is already in. */
  apply(fact: ClientFact, sequence: number): void {
    if (fact.type === 'gatehouse.client.forgotten.v1') this.logins?.forget(fact.data, fact.time);
    const known = this.get(fact.data);
    if (sequence <= known.sequence) return;
    this.#set(fact.data, { state: evolve(known.state, fact), sequence });
  }

  /** Replaces an aggregate with its state re-read from the stream, unless that is older. */
  replace(key: ClientKey, known: Known): void {
    if (known.sequence >= this.get(key).sequence) this.#set(key, known);
  }

  /** Client ids with any history on the account. */
  clientsOf(jid: string): string[] {
    return [...(this.#byAccount.get(jid)?.keys() ?? [])];
  }

  /** The account's clients and their states, logins included. */
  statesOf(jid: string): [clientId: string, state: ClientState][] {
    return this.clientsOf(jid).map((clientId) => [clientId, this.state({ jid, clientId })]);
  }

  #set(key: ClientKey, known: Known): void {
    const clients = this.#byAccount.get(key.jid) ?? new Map<string, Known>();
    clients.set(key.clientId, known);
    this.#byAccount.set(key.jid, clients);
  }
}
