import type { GatehouseEvent } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { asFact, type AggregateDefinition } from './definition.ts';
import type { EventLog, Position, ReadResult } from './log.ts';
import type { KvSnapshots } from './snapshots.ts';

/** A loaded aggregate as the store keeps it. */
export interface Entry<State> {
  state: State;
  sequence: number;
  /** Id of the event at `sequence`, when known: what shows that a later read continues the same history. */
  eventId?: string;
  /** Events folded since the last snapshot (or the first event): when to write the next one. */
  sinceSnapshot: number;
}

/** Ids compared when both are known; a message without one (a malformed one) is taken on its sequence. */
const sameEvent = (a: string | undefined, b: string | undefined) => a === undefined || b === undefined || a === b;

/**
 * Loads one aggregate from its subject. One direct get of the subject's last message says
 * how far it goes: an empty subject is the initial state, found with nothing else. Else
 * the cached entry, or failing it the snapshot, is brought up to date with only the events
 * after it; the first of those reads starts at the base's own event, whose id must match,
 * so a base from another history (the stream was recreated) is never continued.
 */
export class Loader<Key, Command, State, E extends GatehouseEvent> {
  constructor(
    private readonly log: EventLog,
    private readonly definition: AggregateDefinition<Key, Command, State, E>,
    private readonly snapshots: KvSnapshots<State> | undefined,
    private readonly logger: Logger,
  ) {}

  async load(subject: string, cached?: Entry<State>): Promise<Entry<State>> {
    const last = await this.log.last(subject);
    if (cached) {
      const continued = await this.#continue(subject, cached, last);
      if (continued) return continued;
      // Also what a stale answer from a lagging replica of the stream looks like: reading it all again is safe either way.
      this.logger.warn({ aggregate: this.definition.name, subject, cached: cached.sequence, last: last.sequence }, "cached state dropped: not the stream's history");
    }
    if (last.sequence === 0) return this.#initial();
    const snapshot = await this.snapshots?.get(subject);
    if (snapshot) {
      const continued = await this.#continue(subject, { ...snapshot, sinceSnapshot: 0 }, last);
      if (continued) return continued;
      await this.snapshots?.discard(subject, snapshot.sequence > last.sequence ? 'ahead of the stream' : "not the stream's history");
    }
    return this.#fold(subject, this.#initial(), await this.log.read(subject, 1));
  }

  #initial(): Entry<State> {
    return { state: this.definition.initialState(), sequence: 0, sinceSnapshot: 0 };
  }

  /** `base` brought up to the subject's last event, or undefined when it is not of this history. */
  async #continue(subject: string, base: Entry<State>, last: Position): Promise<Entry<State> | undefined> {
    if (base.sequence > last.sequence) return undefined;
    if (base.sequence === last.sequence) return sameEvent(base.eventId, last.eventId) ? base : undefined;
    if (base.eventId === undefined) return this.#fold(subject, base, await this.log.read(subject, base.sequence + 1));
    const read = await this.log.read(subject, base.sequence);
    const [first, ...after] = read.events;
    if (first?.id !== base.eventId) return undefined;
    return this.#fold(subject, base, { ...read, events: after });
  }

  #fold(subject: string, base: Entry<State>, { events, lastSequence, skipped }: ReadResult): Entry<State> {
    const definition = this.definition;
    // Producers validate what they publish, so neither can come from Gatehouse: skipped, as everywhere on the bus.
    if (skipped.length > 0) this.logger.warn({ aggregate: definition.name, subject, sequences: skipped }, 'malformed events skipped');
    const own = events.filter((event): event is E => definition.isEvent(event));
    if (own.length < events.length) {
      const types = events.filter((event) => !definition.isEvent(event)).map((event) => event.type);
      this.logger.warn({ aggregate: definition.name, subject, types }, 'events of another aggregate skipped');
    }
    if (lastSequence <= base.sequence) return base;
    return {
      state: own.reduce((state, event) => definition.evolve(state, asFact(event)), base.state),
      sequence: lastSequence,
      ...(skipped.includes(lastSequence) ? {} : { eventId: events.at(-1)?.id }),
      sinceSnapshot: base.sinceSnapshot + own.length,
    };
  }
}
