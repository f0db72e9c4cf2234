import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { ServiceError, ServiceUnavailableError } from './errors.ts';
import { NoRespondersError, RequestTimeoutError, requestReply } from './requester.ts';
import { decodeJson, encodeJson } from './json.ts';

/**
 * Asks a service endpoint (startService) and returns its result, unchecked: callers of
 * catalog endpoints use `call` (calls.ts), which validates it. `{ ok: false }` throws
 * ServiceError with the service's code; nothing answering throws ServiceUnavailableError.
 */
export async function request(
  nc: NatsConnection,
  subject: string,
  payload: unknown,
  { timeoutMs = 5_000 }: { timeoutMs?: number } = {},
): Promise<unknown> {
  let message: Msg;
  try {
    message = await requestReply(nc, subject, encodeJson(payload), { timeoutMs });
  } catch (error) {
    if (error instanceof NoRespondersError || error instanceof RequestTimeoutError) {
      throw new ServiceUnavailableError(subject, { cause: error });
    }
    throw error;
  }
  return unwrap(subject, message);
}

function unwrap(subject: string, message: Msg): unknown {
  let reply: unknown;
  try {
    reply = decodeJson(message.data);
  } catch (error) {
    throw new ServiceError('invalid-reply', `${subject} replied with something other than JSON`, { cause: error });
  }
  if (isObject(reply) && reply.ok === true) return reply.result;
  if (isObject(reply) && reply.ok === false && isObject(reply.error)) {
    const { code, message: text } = reply.error;
    if (typeof code === 'string' && typeof text === 'string') throw new ServiceError(code, text);
  }
  throw new ServiceError('invalid-reply', `${subject} replied without { ok, result | error }`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
