import { WrongExpectedSequenceError } from '@gatehouse/bus';
import type { GatehouseEvent } from '@gatehouse/events';
import type { AggregateDefinition, EventStore } from './definition.ts';
import type { EventLog, Position, ReadResult } from './log.ts';
import { createEventStore, type EventStoreHooks, type EventStoreOptions } from './store.ts';

/**
 * One JetStream stream held in memory, for unit tests: sequences shared by every subject,
 * the expected-last-subject-sequence check, and ids de-duplicated (forever here, within
 * the duplicate window on JetStream). Two stores over one log are two replicas.
 */
export class MemoryEventLog implements EventLog {
  /** Every event stored, in stream order. */
  readonly stored: { event: GatehouseEvent; sequence: number }[] = [];
  /** Look-ups of a subject's last sequence: one per load of an aggregate. */
  loads = 0;
  /** Reads of a subject's events. */
  reads = 0;

  async last(subject: string): Promise<Position> {
    this.loads += 1;
    const last = this.#on(subject).at(-1);
    return last ? { sequence: last.sequence, eventId: last.event.id } : { sequence: 0 };
  }

  async read(subject: string, startSequence: number): Promise<ReadResult> {
    this.reads += 1;
    const read = this.#on(subject).filter(({ sequence }) => sequence >= startSequence);
    return { events: read.map(({ event }) => event), lastSequence: read.at(-1)?.sequence ?? 0, skipped: [] };
  }

  async append(event: GatehouseEvent, expectedLastSubjectSequence: number): Promise<{ seq: number; duplicate: boolean }> {
    const duplicate = this.stored.find((stored) => stored.event.id === event.id);
    if (duplicate) return { seq: duplicate.sequence, duplicate: true };
    if ((this.#on(event.subject).at(-1)?.sequence ?? 0) !== expectedLastSubjectSequence) {
      throw new WrongExpectedSequenceError(event.subject, expectedLastSubjectSequence);
    }
    const sequence = this.stored.length + 1;
    this.stored.push({ event, sequence });
    return { seq: sequence, duplicate: false };
  }

  #on(subject: string) {
    return this.stored.filter((stored) => stored.event.subject === subject);
  }
}

/** The same store over a MemoryEventLog (a new one unless given); no snapshots. */
export function createMemoryEventStore<Key, Command, State, E extends GatehouseEvent>(
  definition: AggregateDefinition<Key, Command, State, E>,
  { log = new MemoryEventLog(), ...options }: EventStoreOptions & EventStoreHooks<Key, State> & { log?: MemoryEventLog },
): EventStore<Key, Command, State, E> {
  return createEventStore(log, definition, options);
}
