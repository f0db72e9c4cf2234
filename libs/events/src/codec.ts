import type { z } from 'zod';
import { envelopeSchema } from './envelope.ts';
import { dataSchemaFor, type GatehouseEvent } from './catalog.ts';
import { MalformedEventError } from './errors.ts';

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Validates the envelope, then `data` against the schema of the event's `type`. */
export function parseEvent(json: unknown): GatehouseEvent {
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new MalformedEventError(`invalid event envelope: ${describeIssues(envelope.error)}`, { cause: envelope.error });
  }
  const schema = dataSchemaFor(envelope.data.type);
  if (!schema) throw new MalformedEventError(`unknown event type ${envelope.data.type}`);
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) {
    throw new MalformedEventError(`invalid data for ${envelope.data.type}: ${describeIssues(data.error)}`, {
      cause: data.error,
    });
  }
  return { ...envelope.data, data: data.data } as GatehouseEvent;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeEvent(event: GatehouseEvent): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

export function decodeEvent(bytes: Uint8Array): GatehouseEvent {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new MalformedEventError('event is not UTF-8 JSON', { cause: error });
  }
  return parseEvent(json);
}
