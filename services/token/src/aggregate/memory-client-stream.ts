import { WrongExpectedSequenceError } from '@gatehouse/bus';
import type { ClientStream } from './client-handler.ts';
import type { ClientKey } from './client-view.ts';

/**
 * Per-client aggregates held in memory with JetStream's expected-sequence check, for unit
 * tests. Sequences are global across aggregates, as on a stream. `appended` keeps every
 * fact in order, for tests that inspect all that was written.
 */
export class MemoryClientStream<F extends { data: ClientKey }, State> implements ClientStream<F, State> {
  readonly appended: F[] = [];
  readonly #subjects = new Map<string, { fact: F; sequence: number }[]>();
  #sequence = 0;
  loads = 0;

  constructor(
    private readonly evolve: (state: State, fact: F) => State,
    private readonly initialState: () => State,
  ) {}

  async append(fact: F, expectedSequence: number): Promise<number> {
    const stored = this.#stored(fact.data);
    const last = stored.at(-1)?.sequence ?? 0;
    if (last !== expectedSequence) throw new WrongExpectedSequenceError(`${fact.data.jid}/${fact.data.clientId}`, expectedSequence);
    this.#sequence += 1;
    stored.push({ fact, sequence: this.#sequence });
    this.appended.push(fact);
    return this.#sequence;
  }

  async load(key: ClientKey) {
    this.loads += 1;
    const stored = this.#stored(key);
    return { state: stored.map(({ fact }) => fact).reduce(this.evolve, this.initialState()), sequence: stored.at(-1)?.sequence ?? 0 };
  }

  #stored({ jid, clientId }: ClientKey) {
    const subject = `${jid}\n${clientId}`;
    const stored = this.#subjects.get(subject) ?? [];
    this.#subjects.set(subject, stored);
    return stored;
  }
}
