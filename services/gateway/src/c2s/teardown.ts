/**
 * What a bound stream leaves behind when it closes (RFC 6120 §4.4): its local route, its
 * availability (RFC 6121 §4.5.2: the account's other resources and contacts learn it is
 * unavailable), its route in the session directory, released by the revision it holds,
 * and session.ended. A stream that never bound leaves nothing.
 */
import type { Logger } from '@gatehouse/telemetry';
import type { Router } from '../routing/router.ts';
import type { SessionDirectory } from '../routing/session-directory.ts';
import type { SessionEventSink } from './session-events.ts';
import type { Bound } from './stream-state.ts';

export interface TeardownDeps {
  router: Router;
  directory: SessionDirectory;
  events: Pick<SessionEventSink, 'ended'>;
}

export async function tearDown(
  deps: TeardownDeps,
  session: { id: string; log: Logger },
  bound: Bound | undefined,
  reason: string,
  streamError: string | undefined,
): Promise<void> {
  if (bound) {
    // Read before any await: the release must name the revision this stream held at its close.
    const { fullJid, routeRevision, presence } = bound;
    deps.router.local.delete(session.id);
    await presence.ended(reason).catch((error: unknown) => session.log.warn({ err: error }, 'could not broadcast unavailable presence'));
    await deps.directory.release(fullJid, routeRevision).catch((error: unknown) => session.log.warn({ err: error }, 'could not remove the route'));
    deps.events.ended({ sessionId: session.id, jid: fullJid, reason, status: presence.lastStatus, clientId: bound.clientId, streamError });
  }
}
