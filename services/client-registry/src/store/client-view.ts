import { evolve, initialState, type ClientFact, type ClientKey, type ClientState } from '../client/client.ts';

/** One aggregate's state and the stream sequence of its last event (0: none yet). */
export interface Known {
  state: ClientState;
  sequence: number;
}

/**
 * Every client aggregate in memory, folded from the clients stream, with two indexes: by
 * account ("every client of alice") and by live session (a session event names only its
 * session). Events may arrive twice (appended here, then delivered by the follower):
 * sequences make applying them idempotent.
 */
export class ClientView {
  readonly #byAccount = new Map<string, Map<string, Known>>();
  readonly #bySession = new Map<string, ClientKey>();

  get({ jid, clientId }: ClientKey): Known {
    return this.#byAccount.get(jid)?.get(clientId) ?? { state: initialState(), sequence: 0 };
  }

  /** Folds one stored event; one at or below the aggregate's known sequence is already in. */
  apply(fact: ClientFact, sequence: number): void {
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

  /** The account's clients and their states. */
  statesOf(jid: string): [clientId: string, state: ClientState][] {
    return [...(this.#byAccount.get(jid)?.entries() ?? [])].map(([clientId, known]) => [clientId, known.state]);
  }

  /** The client a live session (authenticated, bound or not) belongs to. */
  clientOfSession(sessionId: string): ClientKey | undefined {
    return this.#bySession.get(sessionId);
  }

  #set(key: ClientKey, known: Known): void {
    const before = sessionsOf(this.get(key).state);
    const after = sessionsOf(known.state);
    for (const sessionId of before) if (!after.includes(sessionId)) this.#bySession.delete(sessionId);
    for (const sessionId of after) this.#bySession.set(sessionId, { jid: key.jid, clientId: key.clientId });
    const clients = this.#byAccount.get(key.jid) ?? new Map<string, Known>();
    clients.set(key.clientId, known);
    this.#byAccount.set(key.jid, clients);
  }
}

function sessionsOf(state: ClientState): string[] {
  return state.status === 'unknown' ? [] : Object.keys(state.sessions);
}
