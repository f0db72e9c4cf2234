import type { UserAgent } from '@gatehouse/events';
import type { ClientKey } from '../client/client.ts';

/**
 * What one session event says about a client, whichever catalog wrote it: a v2
 * `session.established` is a login and a binding at once; before v2 the login
 * (`authentication-succeeded`) and the binding (`resource-bound`) came apart, and a
 * stream that never bound ended with `stream-closed` alone.
 */
export type SessionFact =
  | {
      kind: 'login';
      key: ClientKey;
      sessionId: string;
      at: string;
      legacy: boolean;
      mechanism: string;
      method: 'password' | 'fast';
      userAgent?: UserAgent;
      /** Set when the session is bound with it (always for session.established). */
      fullJid?: string;
      /** The event the login was told by: client facts derived from it take their ids from it. */
      sourceId: string;
    }
  | { kind: 'bound'; key: ClientKey; sessionId: string; fullJid: string; at: string }
  | { kind: 'ended'; key: ClientKey; sessionId: string; at: string };
