import type { ClientKey } from '../client/client.ts';
import { isPasswordMechanism } from '../client/client.ts';
import type { SessionFact } from './session-fact.ts';

/** What the logins of one client tell, beyond its record on the clients stream. */
export interface LoginFacts {
  /** Live sessions: session id → full JID once bound, and when it was established. */
  sessions: Readonly<Record<string, { fullJid?: string; at: string }>>;
  lastSeen?: string;
  passwordUsedAt?: string;
  fastUsedAt?: string;
  mechanisms: Readonly<Record<string, string>>;
  lastFullJid?: string;
}

const later = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);

/**
 * Per client, what its logins changed that no client event restates (catalog v2): live
 * sessions and their full JIDs (revocation names them), last seen (the client limit
 * forgets the least recently seen), and the last password and FAST logins (a password
 * login since the last password change is access). Kept in memory only, folded from the
 * sessions stream: the registry folds the whole stream at start (service.ts) and then
 * every event its intake handles. The stream sequence folded so far makes the overlap
 * of the two harmless: an event at or below it is already in.
 */
export class LoginView {
  readonly #byClient = new Map<string, Map<string, LoginFacts>>();
  readonly #bySession = new Map<string, ClientKey>();
  /** Client (jid, NUL, client id) → when it was last forgotten: logins before that no longer count. */
  readonly #forgotten = new Map<string, string>();
  #folded = 0;

  /** Folds what the event at `seq` said; false when that event is already in. */
  apply(fact: SessionFact | undefined, seq: number): boolean {
    if (seq <= this.#folded) return false;
    this.#folded = seq;
    if (fact) this.#apply(fact);
    return true;
  }

  of({ jid, clientId }: ClientKey): LoginFacts | undefined {
    return this.#byClient.get(jid)?.get(clientId);
  }

  /** The client a live session (bound or not) belongs to. */
  clientOfSession(sessionId: string): ClientKey | undefined {
    return this.#bySession.get(sessionId);
  }

  /**
   * A client forgotten at `at` starts afresh if it comes back: none of its logins until
   * then counts, whether folded already or read later (at start the clients stream is
   * folded before the sessions stream).
   */
  forget({ jid, clientId }: ClientKey, at: string): void {
    const id = `${jid}\u0000${clientId}`;
    this.#forgotten.set(id, later(this.#forgotten.get(id), at));
    const clients = this.#byClient.get(jid);
    const facts = clients?.get(clientId);
    if (!clients || !facts || (facts.lastSeen !== undefined && Date.parse(facts.lastSeen) > Date.parse(at))) return;
    for (const sessionId of Object.keys(facts.sessions)) this.#bySession.delete(sessionId);
    clients.delete(clientId);
    if (clients.size === 0) this.#byClient.delete(jid);
  }

  #apply(fact: SessionFact): void {
    const { key, sessionId, at } = fact;
    const forgottenAt = this.#forgotten.get(`${key.jid}\u0000${key.clientId}`);
    if (forgottenAt !== undefined && Date.parse(at) <= Date.parse(forgottenAt)) return;
    const facts = this.of(key) ?? { sessions: {}, mechanisms: {} };
    switch (fact.kind) {
      case 'login': {
        const { mechanism, method, fullJid } = fact;
        this.#bySession.set(sessionId, key);
        this.#set(key, {
          ...facts,
          sessions: { ...facts.sessions, [sessionId]: { at, ...(fullJid ? { fullJid } : {}) } },
          lastSeen: later(facts.lastSeen, at),
          mechanisms: { ...facts.mechanisms, [mechanism]: later(facts.mechanisms[mechanism], at) },
          ...(isPasswordMechanism(mechanism) ? { passwordUsedAt: later(facts.passwordUsedAt, at) } : {}),
          ...(method === 'fast' ? { fastUsedAt: later(facts.fastUsedAt, at) } : {}),
          ...(fullJid ? { lastFullJid: fullJid } : {}),
        });
        return;
      }
      case 'bound': {
        const session = facts.sessions[sessionId];
        if (!session) return;
        this.#set(key, { ...facts, sessions: { ...facts.sessions, [sessionId]: { ...session, fullJid: fact.fullJid } }, lastSeen: later(facts.lastSeen, at), lastFullJid: fact.fullJid });
        return;
      }
      case 'ended': {
        this.#bySession.delete(sessionId);
        const { [sessionId]: _gone, ...sessions } = facts.sessions;
        this.#set(key, { ...facts, sessions, lastSeen: later(facts.lastSeen, at) });
        return;
      }
      default: {
        const unexpected: never = fact;
        throw new Error(`unhandled session fact ${JSON.stringify(unexpected)}`);
      }
    }
  }

  #set({ jid, clientId }: ClientKey, facts: LoginFacts): void {
    const clients = this.#byClient.get(jid) ?? new Map<string, LoginFacts>();
    clients.set(clientId, facts);
    this.#byClient.set(jid, clients);
  }
}
