import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ZodType } from 'zod';
import { aggregates, supersededBy, type EventType } from './catalog.ts';
import { jsonSchemas, requestJsonSchemas } from './json-schema.ts';
import { requests, type RequestName } from './requests.ts';

/** Where the committed document lives; `npm run asyncapi` rewrites it. */
export const asyncApiPath = fileURLToPath(new URL('../../../docs/asyncapi.yaml', import.meta.url));

const ref = (...path: string[]) => ({ $ref: `#/${path.join('/')}` });

/** `fast-token` → `fastToken`, `token.account.create` → `tokenAccountCreate`: operation ids read as identifiers in generated code. */
const camel = (name: string) => name.replace(/[-.]([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * AsyncAPI 3.0 document of the catalog: one channel per aggregate (keyed by its name:
 * grants and FAST tokens share a stream but not a subject), one message per event type.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const schemas = jsonSchemas();
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const aggregate of aggregates) {
    const events = Object.entries(aggregate.events) as [EventType, ZodType][];
    const types = events.map(([type]) => type);
    channels[aggregate.name] = {
      address: `{namespace}.${aggregate.name}.{key}`,
      title: `${aggregate.name} events`,
      description: `JetStream stream <NAMESPACE>_${aggregate.stream.toUpperCase()}; one subject per ${aggregate.name}.`,
      parameters: {
        namespace: { description: 'GATEHOUSE_NAMESPACE of the stack', default: 'gatehouse' },
        key: { description: aggregate.key },
      },
      messages: Object.fromEntries(types.map((type) => [type, ref('components', 'messages', type)])),
    };
    operations[`${camel(aggregate.name)}Events`] = {
      action: 'send',
      title: `Gatehouse appends ${aggregate.name} events`,
      channel: ref('channels', aggregate.name),
      messages: types.map((type) => ref('channels', aggregate.name, 'messages', type)),
    };
    for (const [type, data] of events) {
      const { $schema: _dialect, ...payload } = schemas[type];
      const replacement = supersededBy(type);
      messages[type] = {
        name: type,
        title: type,
        summary: data.description,
        // No longer written, still readable (docs/events.md, "Catalog v2"): JSON Schema's own
        // deprecation mark, and the replacement as a specification extension.
        ...(replacement ? { 'x-superseded-by': replacement } : {}),
        contentType: 'application/json',
        headers: {
          type: 'object',
          properties: { 'Nats-Msg-Id': { type: 'string', description: 'the envelope id, for de-duplication' } },
        },
        payload: replacement ? { ...payload, deprecated: true } : payload,
      };
    }
  }
  addRequests(channels, operations);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Gatehouse events',
      version: '2.0.0',
      description:
        'CloudEvents 1.0 JSON envelopes stored on NATS JetStream, and the services\' request/reply endpoints on core NATS. Generated from @gatehouse/events; see docs/events.md and docs/architecture.md.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:4222', protocol: 'nats', description: 'NATS_URL default, JetStream enabled' },
    },
    channels,
    operations,
    components: { messages },
  };
}

/**
 * The services' endpoints (requests.ts): Gatehouse receives a request on
 * `<namespace>.<service>.<endpoint>` and replies to the requester's inbox, NATS's reply
 * subject, which AsyncAPI 3 writes as a channel of unknown (null) address. Messages are
 * inline, so the components keep one message per event type.
 */
function addRequests(channels: Record<string, unknown>, operations: Record<string, unknown>): void {
  const schemas = requestJsonSchemas();
  for (const name of Object.keys(requests) as RequestName[]) {
    const spec = requests[name];
    const replyChannel = `${name}.reply`;
    channels[name] = {
      address: `{namespace}.${name}`,
      title: `${name} requests`,
      description: `NATS services API, queue group q: ${spec.summary}.`,
      parameters: { namespace: { description: 'GATEHOUSE_NAMESPACE of the stack', default: 'gatehouse' } },
      messages: { request: { name: `${name}.request`, contentType: 'application/json', payload: schemas[name].request } },
    };
    channels[replyChannel] = {
      address: null,
      title: `${name} replies`,
      description: "the requester's inbox (the request's NATS reply subject)",
      messages: { reply: { name: `${name}.reply`, contentType: 'application/json', payload: schemas[name].reply } },
    };
    operations[camel(name)] = {
      action: 'receive',
      title: `Gatehouse answers ${name}`,
      summary: spec.summary,
      channel: ref('channels', name),
      messages: [ref('channels', name, 'messages', 'request')],
      reply: { channel: ref('channels', replyChannel), messages: [ref('channels', replyChannel, 'messages', 'reply')] },
      ...('paged' in spec ? { 'x-paged': true } : {}),
    };
  }
}

export function renderAsyncApi(): string {
  const header = '# Generated by libs/events/scripts/asyncapi.ts from the event catalog. Do not edit.\n';
  return header + stringify(asyncApiDocument(), { lineWidth: 0 });
}
