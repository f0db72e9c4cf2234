import { z } from 'zod';
import { aggregates, type EventType } from './catalog.ts';
import { eventSchema } from './envelope.ts';

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/**
 * The JSON Schema (draft-07, the dialect AsyncAPI 3 schemas extend) of every event
 * type's full envelope. Input mode, so unknown extra properties stay allowed: readers
 * are tolerant, producers are checked by createEvent().
 */
export function jsonSchemas(): Record<EventType, JsonSchema> {
  const entries = aggregates.flatMap((aggregate) =>
    Object.entries(aggregate.events).map(([type, data]) => {
      const { '~standard': _standard, ...schema } = z.toJSONSchema(eventSchema(type, data), {
        target: 'draft-7',
        io: 'input',
      });
      return [type, schema] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<EventType, JsonSchema>;
}
