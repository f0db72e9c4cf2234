import { createEvent, type namesFor } from '@gatehouse/events';
import type { EventOutbox } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/telemetry';
import type { SessionEventSink } from './session-events.ts';

/**
 * Session events go through the outbox: a client never waits for JetStream, and an
 * event published while NATS is away is retried with the same id until it is stored.
 */
export function outboxEventSink(outbox: EventOutbox, names: ReturnType<typeof namesFor>, replica: string, logger: Logger): SessionEventSink {
  const source = `gatehouse/gateway/${replica}`;
  // createEvent validates against the catalog; a session must never fail because of it.
  const emit = (build: () => Parameters<EventOutbox['publish']>[0]) => {
    try {
      const event = build();
      outbox.publish(event).catch((error: unknown) => logger.error({ err: error, type: event.type }, 'session event dropped'));
    } catch (error) {
      logger.error({ err: error }, 'session event rejected by the catalog');
    }
  };
  const subject = (sessionId: string) => names.subjects.session(sessionId);
  return {
    streamOpened: (data) =>
      emit(() => createEvent('gatehouse.session.stream-opened.v1', { subject: subject(data.sessionId), source, data: { ...data, replica } })),
    authenticationSucceeded: (data) =>
      emit(() => createEvent('gatehouse.session.authentication-succeeded.v1', { subject: subject(data.sessionId), source, data })),
    authenticationFailed: (data) =>
      emit(() => createEvent('gatehouse.session.authentication-failed.v1', { subject: subject(data.sessionId), source, data })),
    resourceBound: (data) =>
      emit(() => createEvent('gatehouse.session.resource-bound.v1', { subject: subject(data.sessionId), source, data: { ...data, replica } })),
    sessionEnded: (data) => emit(() => createEvent('gatehouse.session.ended.v1', { subject: subject(data.sessionId), source, data })),
    streamClosed: (data) => emit(() => createEvent('gatehouse.session.stream-closed.v1', { subject: subject(data.sessionId), source, data })),
  };
}
