import type { LegacyClientIds } from '@gatehouse/bus';
import type { GatehouseEvent, SessionAuthenticationSucceeded } from '@gatehouse/events';
import type { ClientKey } from '../client/client.ts';
import { cleanUserAgent } from '../intake/intake-deps.ts';
import type { PreV2Sessions } from './pre-v2-sessions.ts';
import type { SessionFact } from './session-fact.ts';

/** Legacy logins (before v2) waiting for their resource; the oldest go first past this many (they are re-read if needed). */
const MAX_PENDING = 10_000;

/** A login as stored before v2, with the id and time of the event that told it. */
type OldLogin = SessionAuthenticationSucceeded['data'] & { at: string; sourceId: string };

export interface SessionReaderDeps {
  legacyIds: LegacyClientIds;
  /** ENFORCE_CLIENT_IDS: a login without a client id makes no legacy client. */
  enforceClientIds: boolean;
  /** Every event of one session, oldest first. */
  sessionHistory(sessionId: string): Promise<GatehouseEvent[]>;
  /** Where the pre-v2 sessions read are kept: a binding, end or close names only the session. */
  preV2: PreV2Sessions;
}

export const bareOf = (fullJid: string): string => fullJid.slice(0, fullJid.indexOf('/'));

/**
 * Session events (sessions stream) as session facts (docs/client-management.md). Since
 * catalog v2 `session.established` names its client, a legacy one too (the gateway gives
 * it its id at binding), and `session.ended` mostly does. History written before v2 is
 * read as it was: a SASL2 client is named at authentication, a client without
 * `<user-agent id>` at binding by its full JID, and bindings, ends and closes name only
 * the session, so the logins read before, or the session's own history, find its client.
 */
export class SessionReader {
  readonly #pending = new Map<string, OldLogin>();

  constructor(private readonly deps: SessionReaderDeps) {}

  async read(event: GatehouseEvent): Promise<SessionFact | undefined> {
    switch (event.type) {
      case 'gatehouse.session.established.v1': {
        const { sessionId, jid: fullJid, clientId, legacy, mechanism, method } = event.data;
        if (legacy && this.deps.enforceClientIds) return undefined;
        const userAgent = cleanUserAgent(event.data.userAgent);
        const key = { jid: bareOf(fullJid), clientId };
        return { kind: 'login', key, sessionId, at: event.time, legacy, mechanism, method, fullJid, sourceId: event.id, ...(userAgent ? { userAgent } : {}) };
      }
      case 'gatehouse.session.ended.v1': {
        const { sessionId, jid: fullJid, clientId } = event.data;
        this.#pending.delete(sessionId);
        const key = this.deps.preV2.end(sessionId) ?? (clientId === undefined ? await this.#fromHistory(sessionId, fullJid) : { jid: bareOf(fullJid), clientId });
        return key && { kind: 'ended', key, sessionId, at: event.time };
      }
      case 'gatehouse.session.authentication-succeeded.v1':
        return this.#authenticated({ ...event.data, at: event.time, sourceId: event.id });
      case 'gatehouse.session.resource-bound.v1':
        return this.#bound(event.data.sessionId, event.data.jid, event.time);
      case 'gatehouse.session.stream-closed.v1': {
        const { sessionId } = event.data;
        this.#pending.delete(sessionId);
        // A bound session ended with session.ended; this only clears one that authenticated and never bound.
        const key = this.deps.preV2.end(sessionId);
        return key && { kind: 'ended', key, sessionId, at: event.time };
      }
      default:
        return undefined;
    }
  }

  #authenticated(login: OldLogin): SessionFact | undefined {
    if (login.clientId !== undefined) {
      const key = { jid: login.jid, clientId: login.clientId };
      this.deps.preV2.login(login.sessionId, key, login.at);
      return loginFact(key, login, false);
    }
    if (this.deps.enforceClientIds) return undefined;
    this.#pending.set(login.sessionId, login);
    if (this.#pending.size > MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value as string);
    return undefined;
  }

  async #bound(sessionId: string, fullJid: string, at: string): Promise<SessionFact | undefined> {
    const known = this.deps.preV2.bound(sessionId, fullJid);
    if (known) return { kind: 'bound', key: known, sessionId, fullJid, at };
    const login = this.#pending.get(sessionId) ?? (await this.#loginOf(sessionId));
    this.#pending.delete(sessionId);
    if (!login) return undefined;
    const clientId = login.clientId ?? (this.deps.enforceClientIds ? undefined : await this.deps.legacyIds.idFor(fullJid));
    const key = clientId === undefined ? undefined : { jid: login.jid, clientId };
    if (key) this.deps.preV2.login(sessionId, key, login.at, fullJid);
    // The login as of its own event (its id, its time), bound at once.
    return key && { ...loginFact(key, login, login.clientId === undefined), fullJid };
  }

  async #loginOf(sessionId: string): Promise<OldLogin | undefined> {
    const history = await this.deps.sessionHistory(sessionId);
    const login = history.find((event) => event.type === 'gatehouse.session.authentication-succeeded.v1');
    return login?.type === 'gatehouse.session.authentication-succeeded.v1' ? { ...login.data, at: login.time, sourceId: login.id } : undefined;
  }

  async #fromHistory(sessionId: string, fullJid: string): Promise<ClientKey | undefined> {
    const login = await this.#loginOf(sessionId);
    if (!login) return undefined;
    if (login.clientId !== undefined) return { jid: login.jid, clientId: login.clientId };
    const clientId = await this.deps.legacyIds.find(fullJid);
    return clientId === undefined ? undefined : { jid: login.jid, clientId };
  }
}

function loginFact(key: ClientKey, login: OldLogin, legacy: boolean): Extract<SessionFact, { kind: 'login' }> {
  const userAgent = cleanUserAgent(login.userAgent);
  const { sessionId, at, mechanism, method, sourceId } = login;
  return { kind: 'login', key, sessionId, at, legacy, mechanism, method, sourceId, ...(userAgent ? { userAgent } : {}) };
}
