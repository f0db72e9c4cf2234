import type { GatehouseEvent, SessionAuthenticationSucceeded } from '@gatehouse/events';
import type { ClientKey } from '../client/client.ts';
import type { AccountFacts } from '../client/decide.ts';
import { forgetBeyondLimit } from './client-limit.ts';
import { bareOf, cleanUserAgent, factsIfNew, recordFor, type IntakeDeps } from './intake-deps.ts';

/** Legacy logins waiting for their resource; the oldest go first past this many (they are re-read if needed). */
const MAX_PENDING = 10_000;

/** A login as reported, with the id and time of the event that reported it. */
type Login = SessionAuthenticationSucceeded['data'] & { at: string; sourceId: string };

/**
 * Session events (sessions stream) as client facts (docs/client-management.md). A SASL2 client is
 * named by its `<user-agent id>` at authentication; a client without one only at resource
 * binding, by its full JID (a legacy client), unless ENFORCE_CLIENT_IDS. Bindings, ends
 * and closes name only the session: the view's session index finds its client, and when
 * it cannot (a restart, another replica), the session's own history does.
 */
export class SessionIntake {
  readonly #pending = new Map<string, Login>();

  constructor(private readonly deps: IntakeDeps) {}

  async handle(event: GatehouseEvent): Promise<void> {
    switch (event.type) {
      case 'gatehouse.session.authentication-succeeded.v1':
        return this.#authenticated({ ...event.data, at: event.time, sourceId: event.id }, event);
      case 'gatehouse.session.resource-bound.v1':
        return this.deps.lock.run(bareOf(event.data.jid), () => this.#bound(event.data.sessionId, event.data.jid, event));
      case 'gatehouse.session.ended.v1': {
        const { sessionId, jid: fullJid } = event.data;
        return this.deps.lock.run(bareOf(fullJid), async () => {
          const key = this.deps.view.clientOfSession(sessionId) ?? (await this.#fromHistory(sessionId, fullJid));
          if (!key) return;
          const record = recordFor(this.deps, event);
          await record({ type: 'RecordSessionEnd', ...key, at: event.time, sessionId, fullJid });
          await forgetBeyondLimit(this.deps, record, { jid: key.jid, at: event.time });
        });
      }
      case 'gatehouse.session.stream-closed.v1': {
        const { sessionId } = event.data;
        this.#pending.delete(sessionId);
        // A bound session ended above; this only clears one that authenticated and never bound.
        const key = this.deps.view.clientOfSession(sessionId);
        if (!key) return;
        return this.deps.lock.run(key.jid, async () => {
          await recordFor(this.deps, event)({ type: 'RecordSessionEnd', ...key, at: event.time, sessionId });
        });
      }
      default:
        return;
    }
  }

  async #authenticated(login: Login, event: GatehouseEvent): Promise<void> {
    if (login.clientId === undefined) {
      if (this.deps.enforceClientIds) return;
      this.#pending.set(login.sessionId, login);
      if (this.#pending.size > MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value as string);
      return;
    }
    const key = { jid: login.jid, clientId: login.clientId };
    await this.deps.lock.run(key.jid, async () => {
      const record = recordFor(this.deps, event);
      await record(authentication(key, login, false, await factsIfNew(this.deps, key)));
      await forgetBeyondLimit(this.deps, record, { jid: key.jid, keep: key.clientId, at: login.at });
    });
  }

  async #bound(sessionId: string, fullJid: string, event: GatehouseEvent): Promise<void> {
    const record = recordFor(this.deps, event);
    const known = this.deps.view.clientOfSession(sessionId);
    if (known) {
      await record({ type: 'RecordBinding', ...known, at: event.time, sessionId, fullJid });
      return;
    }
    const login = this.#pending.get(sessionId) ?? (await this.#loginOf(sessionId));
    this.#pending.delete(sessionId);
    if (!login) return;
    let key: ClientKey;
    if (login.clientId !== undefined) {
      key = { jid: login.jid, clientId: login.clientId };
    } else {
      if (this.deps.enforceClientIds) return;
      key = { jid: login.jid, clientId: await this.deps.legacyIds.idFor(fullJid) };
    }
    // Also for a SASL2 client: the view did not know the session, so its login may be unrecorded.
    // Recorded on behalf of the login's own event, so it is the same fact as if recorded then.
    const facts = await factsIfNew(this.deps, key);
    await recordFor(this.deps, { id: login.sourceId })(authentication(key, login, login.clientId === undefined, facts));
    await record({ type: 'RecordBinding', ...key, at: event.time, sessionId, fullJid });
    await forgetBeyondLimit(this.deps, record, { jid: key.jid, keep: key.clientId, at: event.time });
  }

  async #loginOf(sessionId: string): Promise<Login | undefined> {
    const login = (await this.deps.sessionHistory(sessionId)).find((event) => event.type === 'gatehouse.session.authentication-succeeded.v1');
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

function authentication(key: ClientKey, login: Login, legacy: boolean, facts: { account?: AccountFacts }) {
  const userAgent = cleanUserAgent(login.userAgent);
  return {
    type: 'RecordAuthentication' as const,
    ...key,
    at: login.at,
    sessionId: login.sessionId,
    legacy,
    mechanism: login.mechanism,
    method: login.method,
    ...(userAgent ? { userAgent } : {}),
    ...facts,
  };
}
