import { Svcm, type ServiceMsg } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { decodeJson, encodeJson, type Reply } from './json.ts';

export interface ServiceDefinition {
  /** Service name for `$SRV.PING|INFO|STATS.<name>`: letters, digits, - and _ only. */
  name: string;
  /** Semantic version. */
  version: string;
  description: string;
  /** Subject prefix of the endpoints, e.g. `namesFor(ns).services.token`. */
  group: string;
}

/** Endpoint subject (below the group) → handler. A handler throws an Error with a string `code` to refuse. */
export type Endpoints = Record<string, (payload: unknown) => Promise<unknown>>;

export interface RunningService {
  stop(): Promise<void>;
}

/**
 * Serves `endpoints` on `<group>.<endpoint>` with the NATS services API (queue group
 * `q`, so replicas share the load; `$SRV.PING/INFO/STATS` answered). Replies are
 * `{ ok: true, result }` or `{ ok: false, error: { code, message } }`.
 */
export async function startService(
  nc: NatsConnection,
  { name, version, description, group }: ServiceDefinition,
  endpoints: Endpoints,
  logger: Logger,
): Promise<RunningService> {
  // @nats-io/services 3.0.0-25 is typed against its own nats-core copy, whose
  // NatsConnection declarations differ from transport-node's; at run time it only
  // subscribes and publishes through the connection, which both versions share.
  const service = await new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({
    name,
    version,
    description,
  });
  const endpointGroup = service.addGroup(group);
  for (const [endpoint, handle] of Object.entries(endpoints)) {
    // Endpoint names may not contain '.', but dotted subjects read best (`account.create`).
    endpointGroup.addEndpoint(endpoint.replaceAll('.', '-'), {
      subject: endpoint,
      handler: (error, message) => {
        if (error) logger.error({ err: error, endpoint }, 'service subscription failed');
        else void answer(nc, message, handle, endpoint, logger);
      },
    });
  }
  logger.info({ service: name, subjects: Object.keys(endpoints).map((e) => `${group}.${e}`) }, 'service started');
  return {
    async stop() {
      await service.stop();
    },
  };
}

/** Never rejects: a reply that cannot be sent must not become an unhandled rejection that ends the process. */
async function answer(
  nc: NatsConnection,
  message: ServiceMsg,
  handle: (payload: unknown) => Promise<unknown>,
  endpoint: string,
  logger: Logger,
): Promise<void> {
  let payload: unknown;
  try {
    payload = decodeJson(message.data);
  } catch {
    respond(message, encodeJson(failure('bad-request', 'request body is not JSON')), endpoint, logger);
    return;
  }
  let reply: Reply;
  try {
    reply = { ok: true, result: await handle(payload) };
  } catch (error) {
    reply = toFailure(error, endpoint, logger);
  }
  let body: Uint8Array;
  try {
    body = encodeJson(reply);
  } catch (error) {
    body = encodeJson(toFailure(error, endpoint, logger));
  }
  const maxPayload = nc.info?.max_payload;
  if (maxPayload !== undefined && body.length > maxPayload) {
    // NATS refuses a message above max_payload; the asker gets a coded error instead of a timeout.
    logger.error({ endpoint, bytes: body.length, maxPayload }, 'reply too large for NATS; answered reply-too-large');
    body = encodeJson(failure('reply-too-large', `the reply (${body.length} bytes) exceeds the bus limit of ${maxPayload} bytes`));
  }
  respond(message, body, endpoint, logger);
}

/** The connection may close or the reply subject vanish between request and answer: logged, not thrown. */
function respond(message: ServiceMsg, body: Uint8Array, endpoint: string, logger: Logger): void {
  try {
    message.respond(body);
  } catch (error) {
    logger.error({ err: error, endpoint, bytes: body.length }, 'could not send the reply');
  }
}

function failure(code: string, message: string): Reply {
  return { ok: false, error: { code, message } };
}

/** Coded errors are the service's answer; anything else is a bug, logged and hidden. */
function toFailure(error: unknown, endpoint: string, logger: Logger): Reply {
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
    return failure((error as Error & { code: string }).code, error.message);
  }
  logger.error({ err: error, endpoint }, 'endpoint failed');
  return failure('internal', 'internal error');
}
