import { z } from 'zod';
import { aggregates, type EventType } from './catalog.ts';
import { eventSchema } from './envelope.ts';
import { commonErrors, requests, type RequestName } from './requests.ts';

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

/** JSON Schema of a schema, in the dialect and mode of the events' (input: tolerant of extra properties). */
function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { '~standard': _standard, $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' });
  return json;
}

/**
 * The JSON Schema of every endpoint's request body, and of its reply: the envelope
 * `{ ok: true, result }` or `{ ok: false, error: { code, message } }` around the catalog's result.
 */
export function requestJsonSchemas(): Record<RequestName, { request: JsonSchema; reply: JsonSchema }> {
  const entries = (Object.keys(requests) as RequestName[]).map((name) => {
    const spec = requests[name];
    const codes = [...new Set([...spec.errors, ...Object.keys(commonErrors)])] as [string, ...string[]];
    const reply = z.union([
      z.object({ ok: z.literal(true), result: spec.reply }),
      z.object({ ok: z.literal(false), error: z.object({ code: z.enum(codes), message: z.string() }) }),
    ]);
    return [name, { request: toJsonSchema(spec.request), reply: toJsonSchema(reply) }] as const;
  });
  return Object.fromEntries(entries) as Record<RequestName, { request: JsonSchema; reply: JsonSchema }>;
}
