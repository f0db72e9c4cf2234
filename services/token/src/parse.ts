import type { z } from 'zod';
import { BadRequestError } from './errors.ts';

/** Validates a request payload; zod messages name fields and expectations, never the values. */
export function parse<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new BadRequestError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}
