import type { z } from 'zod';

/** A request whose payload does not match the endpoint's schema: `bad-request` to the caller. */
export class BadRequestError extends Error {
  readonly code = 'bad-request';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BadRequestError';
  }
}

/** Validates a service request; zod's messages name fields and expectations, never the values. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new BadRequestError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}
