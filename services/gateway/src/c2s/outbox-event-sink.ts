import { createEvent, type GatehouseEvent, type namesFor } from '@gatehouse/events';
import type { EventOutbox } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/telemetry';
import type { SessionEventSink } from './session-events.ts';

/**
 * Session events go through the outbox: a client never waits for JetStream, and an
 * event published while NATS is away is retried with the same id until it is stored.
 *
 * Nothing about a stream is stored before it authenticates, so connection churn cannot
 * fill the sessions stream: stream-opened is built when the stream opens (its time is
 * the opening) but published only when authentication succeeds; a stream that closes
 * unauthenticated leaves no event, except one authentication-failed per failed attempt,
 * which an audit needs.
 */
export function outboxEventSink(outbox: EventOutbox, names: ReturnType<typeof namesFor>, replica: string, logger: Logger): SessionEventSink {
  const source = `gatehouse/gateway/${replica}`;
  // createEvent validates against the catalog; a session must never fail because of it.
  const valid = (build: () => GatehouseEvent): GatehouseEvent | undefined => {
    try {
      return build();
    } catch (error) {
      logger.error({ err: error }, 'session event rejected by the catalog');
      return undefined;
    }
  };
  const publish = (event: GatehouseEvent | undefined) => {
    if (event) outbox.publish(event).catch((error: unknown) => logger.error({ err: error, type: event.type }, 'session event dropped'));
  };
  const emit = (build: () => GatehouseEvent) => publish(valid(build));
  const subject = (sessionId: string) => names.subjects.session(sessionId);
  /** stream-opened of streams not yet authenticated, by session id. */
  const withheld = new Map<string, GatehouseEvent>();
  /** Sessions whose stream-closed is stored: authenticated here, or ended as another replica's (replica-lost). */
  const stored = new Set<string>();
  return {
    streamOpened: (data) => {
      const opened = valid(() => createEvent('gatehouse.session.stream-opened.v1', { subject: subject(data.sessionId), source, data: { ...data, replica } }));
      if (opened) withheld.set(data.sessionId, opened);
    },
    authenticationSucceeded: (data) => {
      publish(withheld.get(data.sessionId));
      withheld.delete(data.sessionId);
      stored.add(data.sessionId);
      emit(() => createEvent('gatehouse.session.authentication-succeeded.v1', { subject: subject(data.sessionId), source, data }));
    },
    authenticationFailed: (data) =>
      emit(() => createEvent('gatehouse.session.authentication-failed.v1', { subject: subject(data.sessionId), source, data })),
    resourceBound: (data) =>
      emit(() => createEvent('gatehouse.session.resource-bound.v1', { subject: subject(data.sessionId), source, data: { ...data, replica } })),
    sessionEnded: (data) => {
      stored.add(data.sessionId);
      emit(() => createEvent('gatehouse.session.ended.v1', { subject: subject(data.sessionId), source, data }));
    },
    streamClosed: (data) => {
      withheld.delete(data.sessionId);
      if (!stored.delete(data.sessionId)) return;
      emit(() => createEvent('gatehouse.session.stream-closed.v1', { subject: subject(data.sessionId), source, data }));
    },
  };
}
