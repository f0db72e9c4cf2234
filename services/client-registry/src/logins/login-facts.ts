import type { ClientLogins } from '@gatehouse/events';

/**
 * What the logins of one client changed that no client event restates (catalog v2): its
 * live sessions and their full JIDs (a revocation names them), its last sight (the client
 * limit forgets the least recently seen) and its last password and FAST logins (a password
 * login since the last password change is access). The registry keeps none of it: the
 * projections service projects it from the sessions and clients streams
 * (`projections.clients.logins`), and it is fetched when a decision needs it.
 */
export interface LoginFacts {
  /** Live sessions: session id → full JID once bound, and when it was established (unknown for history before catalog v2). */
  sessions: Readonly<Record<string, { fullJid?: string; at?: string }>>;
  lastSeen?: string;
  passwordUsedAt?: string;
  fastUsedAt?: string;
}

/** One account's clients' login facts, by client id; a client without any is absent. */
export type AccountLogins = ReadonlyMap<string, LoginFacts>;

export function loginFactsFrom(items: readonly ClientLogins[]): AccountLogins {
  return new Map(
    items.map(({ clientId, lastSeen, passwordUsedAt, fastUsedAt, sessions }) => [
      clientId,
      {
        sessions: Object.fromEntries(
          sessions.map(({ sessionId, fullJid, establishedAt }) => [sessionId, { ...(fullJid === undefined ? {} : { fullJid }), ...(establishedAt === undefined ? {} : { at: establishedAt }) }]),
        ),
        lastSeen,
        ...(passwordUsedAt === undefined ? {} : { passwordUsedAt }),
        ...(fastUsedAt === undefined ? {} : { fastUsedAt }),
      },
    ]),
  );
}
