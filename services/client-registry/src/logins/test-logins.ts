import { isPasswordMechanism, type ClientKey } from '../client/client.ts';
import type { AccountLogins, LoginFacts } from './login-facts.ts';
import type { SessionFact } from './session-fact.ts';

const later = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);

/**
 * What `projections.clients.logins` answers, for unit tests without the projections
 * service: session facts folded per client (pre-v2 ones too, which the projection leaves
 * to the registry's PreV2Sessions: merged, they give the same sessions). A client
 * forgotten at `at` starts afresh: no login until then counts, whether folded already or
 * later. Event sequences make a redelivered event count once.
 */
export class TestLogins {
  readonly #byClient = new Map<string, Map<string, LoginFacts>>();
  readonly #forgotten = new Map<string, string>();
  #folded = 0;

  apply(fact: SessionFact | undefined, seq: number): void {
    if (seq <= this.#folded) return;
    this.#folded = seq;
    if (fact) this.#apply(fact);
  }

  of({ jid, clientId }: ClientKey): LoginFacts | undefined {
    return this.#byClient.get(jid)?.get(clientId);
  }

  ofAccount(jid: string): AccountLogins {
    return new Map(this.#byClient.get(jid));
  }

  forget({ jid, clientId }: ClientKey, at: string): void {
    const id = `${jid}\u0000${clientId}`;
    this.#forgotten.set(id, later(this.#forgotten.get(id), at));
    const facts = this.of({ jid, clientId });
    if (facts?.lastSeen === undefined || Date.parse(facts.lastSeen) <= Date.parse(at)) this.#byClient.get(jid)?.delete(clientId);
  }

  #apply(fact: SessionFact): void {
    const { key, sessionId, at } = fact;
    const forgottenAt = this.#forgotten.get(`${key.jid}\u0000${key.clientId}`);
    if (forgottenAt !== undefined && Date.parse(at) <= Date.parse(forgottenAt)) return;
    const facts = this.of(key) ?? { sessions: {} };
    const lastSeen = later(facts.lastSeen, at);
    switch (fact.kind) {
      case 'login': {
        const { mechanism, method, fullJid } = fact;
        this.#set(key, {
          ...facts,
          sessions: { ...facts.sessions, [sessionId]: { at, ...(fullJid ? { fullJid } : {}) } },
          lastSeen,
          ...(isPasswordMechanism(mechanism) ? { passwordUsedAt: later(facts.passwordUsedAt, at) } : {}),
          ...(method === 'fast' ? { fastUsedAt: later(facts.fastUsedAt, at) } : {}),
        });
        return;
      }
      case 'bound': {
        const session = facts.sessions[sessionId];
        if (session) this.#set(key, { ...facts, sessions: { ...facts.sessions, [sessionId]: { ...session, fullJid: fact.fullJid } }, lastSeen });
        return;
      }
      case 'ended': {
        const { [sessionId]: _gone, ...sessions } = facts.sessions;
        this.#set(key, { ...facts, sessions, lastSeen });
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
