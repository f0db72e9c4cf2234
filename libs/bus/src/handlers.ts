/**
 * The service side of the request catalog (@gatehouse/events requests.ts): a handler
 * receives the request the catalog allows, already validated, and must return the reply
 * it declares; a request that does not match is answered `bad-request` before it runs.
 */
import { requests, type EndpointOf, type ParsedRequestOf, type RequestName, type ServiceName } from '@gatehouse/events';
import type { z } from 'zod';
import { parsePayload } from './payload.ts';
import type { Endpoints } from './service.ts';

type NameOf<Service extends ServiceName, Endpoint extends string> = Extract<`${Service}.${Endpoint}`, RequestName>;

/** What a handler may answer: the input of the catalog's reply schema. */
export type HandlerReplyOf<Name extends RequestName> = z.input<(typeof requests)[Name]['reply']>;

export type Handler<Name extends RequestName> = (request: ParsedRequestOf<Name>) => Promise<HandlerReplyOf<Name>>;

/** Handlers of some (by default all) endpoints of a service, by their name below its group. */
export type Handlers<Service extends ServiceName, Endpoint extends EndpointOf<Service> = EndpointOf<Service>> = {
  [Key in Endpoint]: Handler<NameOf<Service, Key>>;
};

/** A service's endpoints (of `handlers`) for startService, each validating its request against the catalog first. */
export function catalogEndpoints<Service extends ServiceName, Endpoint extends EndpointOf<Service>>(
  service: Service,
  handlers: Handlers<Service, Endpoint>,
): Endpoints & Record<Endpoint, (payload: unknown) => Promise<unknown>> {
  const endpoints: Endpoints = {};
  for (const [endpoint, handle] of Object.entries(handlers) as [Endpoint, (request: unknown) => Promise<unknown>][]) {
    const schema: z.ZodType = requests[`${service}.${endpoint}` as RequestName].request;
    endpoints[endpoint] = async (payload) => handle(parsePayload(schema, payload));
  }
  return endpoints as Endpoints & Record<Endpoint, (payload: unknown) => Promise<unknown>>;
}
