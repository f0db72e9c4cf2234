import type { ClientKey } from '../client/client.ts';
import type { AccountLogins, LoginFacts } from './login-facts.ts';

/** Pre-v2 sessions kept; the oldest go first past this many (a binding then re-reads the session's history). */
const MAX_SESSIONS = 10_000;

/**
 * Live sessions told only by session events written before catalog v2
 * (authentication-succeeded, resource-bound, stream-closed), as this replica read them.
 * The projections service does not read those events: before v2 the registry restated
 * them as client events, which it does no more (a pre-v2 login is now one client.seen).
 * So a pre-v2 session the registry reads after upgrading, in a rolling upgrade or from a
 * backlog, is known here only; a revocation adds it to what the projections service
 * reports. Bounded, and only for pre-v2 history: v2 logins never come here. What it
 * misses (another replica read the binding, or a restart came between) is a session a
 * v2 gateway closes by its client id all the same.
 */
export class PreV2Sessions {
  readonly #sessions = new Map<string, { key: ClientKey; fullJid?: string; at: string }>();

  login(sessionId: string, key: ClientKey, at: string, fullJid?: string): void {
    this.#sessions.set(sessionId, { key, at, ...(fullJid === undefined ? {} : { fullJid }) });
    if (this.#sessions.size > MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value as string);
  }

  bound(sessionId: string, fullJid: string): ClientKey | undefined {
    const session = this.#sessions.get(sessionId);
    if (session) this.#sessions.set(sessionId, { ...session, fullJid });
    return session?.key;
  }

  /** The session's client, now forgotten here. */
  end(sessionId: string): ClientKey | undefined {
    const key = this.#sessions.get(sessionId)?.key;
    this.#sessions.delete(sessionId);
    return key;
  }

  /** `logins` with the account's pre-v2 sessions added. */
  addTo(jid: string, logins: AccountLogins): AccountLogins {
    const merged = new Map<string, LoginFacts>(logins);
    for (const [sessionId, { key, fullJid, at }] of this.#sessions) {
      if (key.jid !== jid) continue;
      const facts = merged.get(key.clientId) ?? { sessions: {} };
      merged.set(key.clientId, { ...facts, sessions: { ...facts.sessions, [sessionId]: { at, ...(fullJid === undefined ? {} : { fullJid }) } } });
    }
    return merged;
  }
}
