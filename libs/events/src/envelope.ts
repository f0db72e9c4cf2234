import { z } from 'zod';

/**
 * CloudEvents 1.0 (JSON format) with the W3C `traceparent` extension.
 * `subject` is the JetStream subject the event is stored on, e.g.
 * `gatehouse.account.<jid-token>`: it names the aggregate, so appends and reads need
 * nothing else.
 */
export interface Event<Type extends string, Data> {
  specversion: '1.0';
  id: string;
  source: string;
  type: Type;
  subject: string;
  /** RFC 3339 timestamp of the occurrence. */
  time: string;
  datacontenttype: 'application/json';
  data: Data;
  traceparent?: string;
}

/** The envelope with `type` and `data` still unchecked: step one of parsing. */
export const envelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  data: z.unknown(),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'W3C traceparent')
    .optional(),
});

/** The full schema of one event type, as documented (JSON Schema, AsyncAPI). */
export function eventSchema<Type extends string>(type: Type, data: z.ZodType) {
  return envelopeSchema.extend({ type: z.literal(type), data });
}
