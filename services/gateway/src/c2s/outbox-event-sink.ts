import { createEvent, type GatehouseEvent, type namesFor } from '@gatehouse/events';
import type { EventOutbox } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/telemetry';
import type { SessionEventSink } from './session-events.ts';

/**
 * Session events go through the outbox: a client never waits for JetStream, and an
 * event published while NATS is away is retried with the same id until it is stored.
 * The outbox keeps one session's events in order, so `ended` never lands before
 * `established`.
 */
export function outboxEventSink(outbox: EventOutbox, names: ReturnType<typeof namesFor>, replica: string, logger: Logger): SessionEventSink {
  const source = `gatehouse/gateway/${replica}`;
  // createEvent validates against the catalog; a session must never fail because of it.
  const emit = (build: () => GatehouseEvent) => {
    let event: GatehouseEvent;
    try {
      event = build();
    } catch (error) {
      logger.error({ err: error }, 'session event rejected by the catalog');
      return;
    }
    outbox.publish(event).catch((error: unknown) => logger.error({ err: error, type: event.type }, 'session event dropped'));
  };
  const subject = (sessionId: string) => names.subjects.session(sessionId);
  return {
    authenticationFailed: (data) =>
      emit(() => createEvent('gatehouse.session.authentication-failed.v1', { subject: subject(data.sessionId), source, data })),
    established: (data) =>
      emit(() => createEvent('gatehouse.session.established.v1', { subject: subject(data.sessionId), source, data: { ...data, replica } })),
    ended: (data) => emit(() => createEvent('gatehouse.session.ended.v1', { subject: subject(data.sessionId), source, data })),
  };
}
