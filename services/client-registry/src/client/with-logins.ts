import type { LoginFacts } from '../logins/login-view.ts';
import type { ClientState } from './client.ts';

const later = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined || Date.parse(a) >= Date.parse(b) ? a : b;

/**
 * The client as decisions and listings see it: its record (clients stream) with what its
 * logins changed since (login-view.ts). Live sessions are the login view's alone: since
 * catalog v2 no client event ends a session, so sessions a pre-v2 record still holds may
 * have ended. A revoked client's sessions from before its revocation are being closed and
 * no longer count; one that logged in since is `known` again (client.seen, returned).
 */
export function withLogins(state: ClientState, logins: LoginFacts | undefined): ClientState {
  if (state.status === 'unknown') return state;
  const sessionsSince = (since: string | undefined) =>
    Object.fromEntries(
      Object.entries(logins?.sessions ?? {})
        .filter(([, session]) => since === undefined || Date.parse(session.at) > Date.parse(since))
        .map(([sessionId, session]) => [sessionId, session.fullJid === undefined ? {} : { fullJid: session.fullJid }]),
    );
  const lastSeen = later(state.lastSeen, logins?.lastSeen) ?? state.lastSeen;
  const passwordUsedAt = later(state.passwordUsedAt, logins?.passwordUsedAt);
  const fastUsedAt = later(state.fastUsedAt, logins?.fastUsedAt);
  const mechanisms = { ...state.mechanisms };
  for (const [mechanism, at] of Object.entries(logins?.mechanisms ?? {})) mechanisms[mechanism] = later(mechanisms[mechanism], at) ?? at;
  const lastFullJid = logins?.lastFullJid ?? state.lastFullJid;
  return {
    ...state,
    lastSeen,
    mechanisms,
    ...(passwordUsedAt === undefined ? {} : { passwordUsedAt }),
    ...(fastUsedAt === undefined ? {} : { fastUsedAt }),
    ...(lastFullJid === undefined ? {} : { lastFullJid }),
    sessions: sessionsSince(state.status === 'revoked' ? state.revokedAt : undefined),
  };
}
