import type { LoginFacts } from '../logins/login-facts.ts';
import type { ClientState } from './client.ts';

const later = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined || Date.parse(a) >= Date.parse(b) ? a : b;

/**
 * The client as revocations and the client limit see it: its record (clients stream) with
 * what its logins changed since (login-facts.ts). Live sessions are the logins' alone:
 * since catalog v2 no client event ends a session, so sessions a pre-v2 record still holds
 * may have ended. A revoked client's sessions from before its revocation are being closed
 * and no longer count (one of unknown time counts as before); one that logged in since is
 * `known` again (client.seen, returned).
 */
export function withLogins(state: ClientState, logins: LoginFacts | undefined): ClientState {
  if (state.status === 'unknown') return state;
  const revokedAt = state.status === 'revoked' ? Date.parse(state.revokedAt) : undefined;
  const sessions = Object.fromEntries(
    Object.entries(logins?.sessions ?? {})
      .filter(([, session]) => revokedAt === undefined || (session.at !== undefined && Date.parse(session.at) > revokedAt))
      .map(([sessionId, session]) => [sessionId, session.fullJid === undefined ? {} : { fullJid: session.fullJid }]),
  );
  const passwordUsedAt = later(state.passwordUsedAt, logins?.passwordUsedAt);
  const fastUsedAt = later(state.fastUsedAt, logins?.fastUsedAt);
  return {
    ...state,
    lastSeen: later(state.lastSeen, logins?.lastSeen) ?? state.lastSeen,
    ...(passwordUsedAt === undefined ? {} : { passwordUsedAt }),
    ...(fastUsedAt === undefined ? {} : { fastUsedAt }),
    sessions,
  };
}
