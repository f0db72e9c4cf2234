import { WrongExpectedSequenceError } from '@gatehouse/bus';
import { evolve, initialState, type ClientFact, type ClientKey } from '../client/client.ts';
import type { ClientStream } from './client-stream.ts';
import type { Known } from './client-view.ts';

/** A JetStream stand-in for unit tests: one stream, sequences shared by every subject, ids de-duplicated. */
export class MemoryClientStream implements ClientStream {
  readonly stored: { fact: ClientFact; sequence: number; id?: string }[] = [];
  appends = 0;
  loads = 0;

  async append(fact: ClientFact, expectedSequence: number, eventId?: string): Promise<number> {
    this.appends += 1;
    const duplicate = eventId === undefined ? undefined : this.stored.find((entry) => entry.id === eventId);
    if (duplicate) return duplicate.sequence;
    const last = this.#of(fact.data).at(-1)?.sequence ?? 0;
    if (last !== expectedSequence) throw new WrongExpectedSequenceError(`${fact.data.jid}/${fact.data.clientId}`, expectedSequence);
    const sequence = this.stored.length + 1;
    this.stored.push(eventId === undefined ? { fact, sequence } : { fact: { ...fact, id: eventId }, sequence, id: eventId });
    return sequence;
  }

  async load(key: ClientKey): Promise<Known> {
    this.loads += 1;
    const entries = this.#of(key);
    return { state: entries.map((entry) => entry.fact).reduce(evolve, initialState()), sequence: entries.at(-1)?.sequence ?? 0 };
  }

  async lastSequence(key: ClientKey): Promise<number> {
    return this.#of(key).at(-1)?.sequence ?? 0;
  }

  #of({ jid, clientId }: ClientKey) {
    return this.stored.filter((entry) => entry.fact.data.jid === jid && entry.fact.data.clientId === clientId);
  }
}
