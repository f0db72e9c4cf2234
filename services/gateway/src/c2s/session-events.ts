import type { SessionAuthenticationFailedData, SessionEndedData, SessionEstablishedData } from '@gatehouse/events';
import type { Bound } from './stream-state.ts';

/**
 * What the gateway stores of a stream (docs/events.md, "Catalog v2"): `established` when
 * it binds a resource, `ended` when that established session goes, one
 * `authenticationFailed` per failed attempt. Nothing else: a stream that never binds
 * leaves no trace but its failures.
 */
export interface SessionEventSink {
  authenticationFailed(e: SessionAuthenticationFailedData): void;
  established(e: Omit<SessionEstablishedData, 'replica'>): void;
  ended(e: SessionEndedData): void;
}

/** The session.established of a stream that has just bound its resource. */
export function establishedOf(sessionId: string, bound: Bound): Omit<SessionEstablishedData, 'replica'> {
  const { origin, login, fullJid, clientId, legacy } = bound;
  return {
    sessionId,
    jid: fullJid,
    transport: origin.transport,
    clientIp: origin.clientIp,
    openedAt: origin.openedAt,
    mechanism: login.mechanism,
    method: login.method,
    clientId,
    legacy,
    ...(login.userAgent ? { userAgent: login.userAgent } : {}),
  };
}
