/**
 * Catalog endpoints, typed by name (@gatehouse/events requests.ts): the caller's payload
 * is checked by the compiler, the reply by the catalog's schema on receipt.
 */
import {
  requests,
  requestSubject,
  type ListRequestName,
  type PagedRequestName,
  type ReplyOf,
  type EndpointOf,
  type RequestName,
  type RequestOf,
  type ServiceName,
} from '@gatehouse/events';
import type { NatsConnection } from '@nats-io/transport-node';
import { ServiceError } from './errors.ts';
import { requestAll, requestPages, type Page, type Paged, type PagedRequestOptions } from './paging.ts';
import { request } from './request.ts';

/** A reply whose `result` is not what the catalog says the endpoint answers. */
export class InvalidReplyError extends ServiceError {
  constructor(subject: string, problems: string, options?: ErrorOptions) {
    super('invalid-reply', `${subject} replied with a result the catalog does not allow: ${problems}`, options);
    this.name = 'InvalidReplyError';
  }
}

export interface CallOptions {
  timeoutMs?: number;
}

/** Asks `<ns>.<name>` and returns its validated result; errors as request(). */
export async function call<Name extends RequestName>(
  nc: NatsConnection,
  ns: string,
  name: Name,
  payload: RequestOf<Name>,
  options: CallOptions = {},
): Promise<ReplyOf<Name>> {
  const { subject, parse } = endpoint(ns, name);
  return parse(await request(nc, subject, payload, options));
}

/** `<ns>.<name>` and the check of what it answers. */
function endpoint<Name extends RequestName>(ns: string, name: Name): { subject: string; parse: (reply: unknown) => ReplyOf<Name> } {
  const subject = requestSubject(ns, name);
  return { subject, parse: (reply) => parseReply(name, subject, reply) };
}

/** What a paged endpoint's caller sends: the pager adds the cursor. */
export type PagedPayload<Name extends PagedRequestName> = Omit<NonNullable<RequestOf<Name>>, 'cursor'>;

/** The pages of a paged endpoint, first to last, each validated once. */
export function callPages<Name extends PagedRequestName>(
  nc: NatsConnection,
  ns: string,
  name: Name,
  payload: PagedPayload<Name>,
  options: PagedRequestOptions = {},
): AsyncGenerator<ReplyOf<Name>> {
  const { subject, parse } = endpoint(ns, name);
  // The catalog marks these paged; the compiler cannot see it through a generic name.
  return requestPages(nc, subject, payload, parse as (reply: unknown) => ReplyOf<Name> & Paged, options);
}

/** Every item of a paged list endpoint as one page (requestAll); each page validated once, the whole not again. */
export function callAll<Name extends ListRequestName>(
  nc: NatsConnection,
  ns: string,
  name: Name,
  payload: PagedPayload<Name>,
  options: PagedRequestOptions = {},
): Promise<Omit<ReplyOf<Name> & Page<unknown>, 'next'>> {
  const { subject, parse } = endpoint(ns, name);
  return requestAll(nc, subject, payload, parse as (reply: unknown) => ReplyOf<Name> & Page<unknown>, options);
}

/** Checks a result against the catalog; zod's messages name fields and expectations, never the values. */
export function parseReply<Name extends RequestName>(name: Name, subject: string, result: unknown): ReplyOf<Name> {
  const parsed = requests[name].reply.safeParse(result);
  if (!parsed.success) {
    throw new InvalidReplyError(subject, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(result)'}: ${issue.message}`).join('; '));
  }
  return parsed.data as ReplyOf<Name>;
}

type NameOf<Service extends ServiceName, Endpoint extends string> = Extract<`${Service}.${Endpoint}`, RequestName>;

/** `call` for one service's endpoints, named as it names them below its group (`account.exists`). */
export type ServiceCaller<Service extends ServiceName> = <Endpoint extends EndpointOf<Service>>(
  endpoint: Endpoint,
  payload: RequestOf<NameOf<Service, Endpoint>>,
  options?: CallOptions,
) => Promise<ReplyOf<NameOf<Service, Endpoint>>>;

export function serviceCaller<Service extends ServiceName>(nc: NatsConnection, ns: string, service: Service, defaults: CallOptions = {}): ServiceCaller<Service> {
  return (endpoint, payload, options = defaults) => call(nc, ns, `${service}.${endpoint}` as NameOf<typeof service, typeof endpoint>, payload, options);
}
