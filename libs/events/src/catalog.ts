import type { z } from 'zod';
import type { AggregateDefinition, EventSchemas, EventsOf } from './aggregate.ts';
import { account } from './account.ts';
import { blocklist } from './blocklist.ts';
import { client } from './client.ts';
import { control } from './control.ts';
import { fastToken } from './fast-token.ts';
import { grant } from './grant.ts';
import { roster } from './roster.ts';
import { session } from './session.ts';

/**
 * Every aggregate of the catalog. Adding one (token grants, clients, roster...) is a
 * file like account.ts plus one entry here; types, guards, JSON Schemas and the
 * AsyncAPI document all follow.
 */
export const aggregates = [account, session, grant, fastToken, roster, blocklist, client, control] as const;

type EventsOfAggregate<A> = A extends AggregateDefinition<infer Events extends EventSchemas> ? EventsOf<Events> : never;

export type GatehouseEvent = EventsOfAggregate<(typeof aggregates)[number]>;
export type EventType = GatehouseEvent['type'];
export type EventOfType<Type extends EventType> = Extract<GatehouseEvent, { type: Type }>;
/** Event type → its `data`; index it with a generic type parameter (EventOfType<T>['data'] cannot be). */
export type EventDataMap = { [Type in EventType]: EventOfType<Type>['data'] };

const dataSchemas = new Map<string, z.ZodType>();
for (const aggregate of aggregates) {
  for (const [type, schema] of Object.entries(aggregate.events)) {
    if (dataSchemas.has(type)) throw new Error(`event type ${type} is registered twice`);
    dataSchemas.set(type, schema);
  }
}

export const eventTypes: readonly EventType[] = Object.freeze([...dataSchemas.keys()] as EventType[]);

export function isEventType(type: string): type is EventType {
  return dataSchemas.has(type);
}

const supersededByType = new Map<string, string>(aggregates.flatMap((aggregate) => Object.entries(aggregate.superseded ?? {})));

/** The type that replaced a type no longer written (catalog v2), or undefined for a current one. */
export function supersededBy(type: string): string | undefined {
  return supersededByType.get(type);
}

export function dataSchemaFor(type: string): z.ZodType | undefined {
  return dataSchemas.get(type);
}
