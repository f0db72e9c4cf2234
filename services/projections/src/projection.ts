import { aggregates, type EventOfType, type EventType, type Names } from '@gatehouse/events';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/** Applies one event inside the projection's transaction; `trx` is the only database it may use. */
export type Handler<Type extends EventType> = (trx: Kysely<Database>, event: EventOfType<Type>) => Promise<void>;
export type Handlers = { [Type in EventType]?: Handler<Type> };

export interface ProjectionDefinition {
  /** Also the durable consumer's name: letters, digits and `-` only. */
  name: string;
  handlers: Handlers;
  /**
   * The projection whose rows this one writes too, from another stream (a projection reads
   * one stream). The two are one read model: reset, rebuilt and restarted together.
   */
  shares?: string;
  /** Deletes every row the projection wrote; rebuild runs it in the transaction that drops the checkpoint. */
  reset(trx: Kysely<Database>): Promise<void>;
}

export interface Projection extends ProjectionDefinition {
  /** Key of `namesFor(ns).streams` that holds every event type the handlers name. */
  stream: keyof Names['streams'];
  /** The handled types, derived from the handler keys so nothing re-lists them. */
  handles: ReadonlySet<EventType>;
}

export class ProjectionDefinitionError extends Error {
  readonly code = 'invalid-projection';
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionDefinitionError';
  }
}

/** Checks a definition once, at import of the projection, and derives its stream from the catalog. */
export function defineProjection(definition: ProjectionDefinition): Projection {
  if (!/^[A-Za-z0-9-]+$/.test(definition.name)) {
    throw new ProjectionDefinitionError(`projection name ${definition.name} must be letters, digits and - (it names a durable consumer)`);
  }
  const handles = new Set(Object.keys(definition.handlers) as EventType[]);
  const streams = new Set(
    aggregates.filter((aggregate) => Object.keys(aggregate.events).some((type) => handles.has(type as EventType))).map((aggregate) => aggregate.stream),
  );
  const [stream, ...others] = streams;
  if (stream === undefined || others.length > 0) {
    throw new ProjectionDefinitionError(`projection ${definition.name} must handle events of exactly one stream, not ${streams.size}`);
  }
  return { ...definition, stream, handles };
}

/** The handler for an event, typed by the event's own type; undefined when the projection ignores it. */
export function handlerFor<Type extends EventType>(projection: Projection, event: EventOfType<Type>): Handler<Type> | undefined {
  return projection.handlers[event.type as Type] as Handler<Type> | undefined;
}

/**
 * The projections writing the rows `name` writes: the one they share first, then the
 * others in the order given. Rebuilt in that order, a history is replayed the same way
 * every time.
 */
export function projectionGroup<P extends Projection>(projections: readonly P[], name: string): P[] {
  const named = projections.find((projection) => projection.name === name);
  if (!named) return [];
  const owner = named.shares ?? named.name;
  return [...projections.filter((projection) => projection.name === owner), ...projections.filter((projection) => projection.shares === owner)];
}
