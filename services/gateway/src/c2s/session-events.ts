import type { TransportKind } from '../transports/transport.ts';

/** Everything that happens to a stream, as the gateway reports it (events on JetStream). */
export interface SessionEventSink {
  streamOpened(e: { sessionId: string; transport: TransportKind; clientIp: string; to?: string }): void;
  authenticationSucceeded(e: {
    sessionId: string;
    jid: string;
    mechanism: string;
    clientIp: string;
    method: 'password' | 'fast';
    clientId?: string;
    userAgent?: { software?: string; device?: string; uri?: string };
  }): void;
  authenticationFailed(e: { sessionId: string; username?: string; mechanism: string; clientIp: string; condition: string; reason?: string }): void;
  resourceBound(e: { sessionId: string; jid: string }): void;
  sessionEnded(e: { sessionId: string; jid: string; reason: string; status?: string }): void;
  streamClosed(e: { sessionId: string; reason: string; streamError?: string }): void;
}
