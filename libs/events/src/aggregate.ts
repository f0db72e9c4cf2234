import type { z } from 'zod';
import type { Event } from './envelope.ts';
import type { Names } from './subjects.ts';

export type EventSchemas = Record<string, z.ZodType>;

/** One aggregate's slice of the catalog: its event types and where they are stored. */
export interface AggregateDefinition<Events extends EventSchemas> {
  /** Second subject token: events live on `<ns>.<name>.<key>`. */
  name: string;
  /** Key of `namesFor(ns).streams` holding these events. */
  stream: keyof Names['streams'];
  /** What the last subject token is, for integrator documentation. */
  key: string;
  /** Event type → schema of its `data`; the single source of every derived list and guard. */
  events: Events;
  /**
   * Types no longer written, each with the type that replaced it. They stay readable so
   * that history written before the change still folds, projects and validates.
   */
  superseded?: Partial<Record<keyof Events & string, string>>;
}

export function defineAggregate<const Events extends EventSchemas>(
  definition: AggregateDefinition<Events>,
): AggregateDefinition<Events> {
  return definition;
}

/** The union of typed events an aggregate's schemas describe. */
export type EventsOf<Events extends EventSchemas> = {
  [Type in keyof Events & string]: Event<Type, z.output<Events[Type]>>;
}[keyof Events & string];

/** A type guard derived from the schemas, so a new event type cannot be forgotten. */
export function guardFor<Events extends EventSchemas>(aggregate: AggregateDefinition<Events>) {
  const types = new Set<string>(Object.keys(aggregate.events));
  return (event: { type: string }): event is EventsOf<Events> => types.has(event.type);
}
