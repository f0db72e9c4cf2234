export type { Event } from './envelope.ts';
export { envelopeSchema, eventSchema } from './envelope.ts';
export { MalformedEventError, InvalidSubjectTokenError } from './errors.ts';
export { defineAggregate, guardFor, type AggregateDefinition, type EventSchemas, type EventsOf } from './aggregate.ts';
export { bareJidSchema, fullJidSchema, sessionIdSchema, replicaIdSchema, clientIpSchema } from './fields.ts';
export {
  account,
  isAccountEvent,
  scramCredential,
  scramCredentials,
  accountCreatedData,
  accountPasswordChangedData,
  accountDeletedData,
  type AccountEvent,
  type AccountCreated,
  type AccountCreatedData,
  type AccountPasswordChanged,
  type AccountPasswordChangedData,
  type AccountDeleted,
  type AccountDeletedData,
  type ScramCredential,
  type ScramCredentials,
} from './account.ts';
export {
  session,
  isSessionEvent,
  sessionStreamOpenedData,
  sessionAuthenticationSucceededData,
  sessionAuthenticationFailedData,
  sessionResourceBoundData,
  sessionEndedData,
  sessionStreamClosedData,
  type SessionEvent,
  type SessionStreamOpened,
  type SessionStreamOpenedData,
  type SessionAuthenticationSucceeded,
  type SessionAuthenticationSucceededData,
  type SessionAuthenticationFailed,
  type SessionAuthenticationFailedData,
  type SessionResourceBound,
  type SessionResourceBoundData,
  type SessionEnded,
  type SessionEndedData,
  type SessionStreamClosed,
  type SessionStreamClosedData,
} from './session.ts';
export {
  aggregates,
  eventTypes,
  isEventType,
  type GatehouseEvent,
  type EventType,
  type EventOfType,
  type EventDataMap,
} from './catalog.ts';
export { createEvent, type CreateEventInit } from './create.ts';
export { parseEvent, encodeEvent, decodeEvent } from './codec.ts';
export { subjectToken, fromSubjectToken, namesFor, type Names } from './subjects.ts';
export { jsonSchemas, type JsonSchema } from './json-schema.ts';
