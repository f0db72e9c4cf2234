import { randomUUID } from 'node:crypto';
import type { EventDataMap, EventOfType, EventType } from './catalog.ts';
import { parseEvent } from './codec.ts';

export interface CreateEventInit<Type extends EventType> {
  /** JetStream subject the event belongs on, from `namesFor(ns).subjects`. */
  subject: string;
  /** CloudEvents source: the producing service, e.g. `gatehouse/token`. */
  source: string;
  data: EventDataMap[Type];
  /** Default: a random UUID. Pass a deterministic id to make a retried command idempotent. */
  id?: string;
  /** Default: now. */
  time?: Date | string;
  traceparent?: string;
}

/** Builds and validates an event, so no producer can emit one the catalog rejects. */
export function createEvent<Type extends EventType>(type: Type, init: CreateEventInit<Type>): EventOfType<Type> {
  const time = init.time ?? new Date();
  return parseEvent({
    specversion: '1.0',
    id: init.id ?? randomUUID(),
    source: init.source,
    type,
    subject: init.subject,
    time: typeof time === 'string' ? time : time.toISOString(),
    datacontenttype: 'application/json',
    data: init.data,
    ...(init.traceparent === undefined ? {} : { traceparent: init.traceparent }),
  }) as EventOfType<Type>;
}
