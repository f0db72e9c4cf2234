import type { ClientEvent, Event, UserAgent } from '@gatehouse/events';

/**
 * An event as the decider sees it: what happened and when. A stored envelope is
 * structurally one, so `evolve` folds events read back from the stream directly.
 */
type Fact<E> = E extends Event<infer Type, infer Data> ? { type: Type; time: string; data: Data; id?: string } : never;
export type ClientFact = Fact<ClientEvent>;

/** Grants and FAST tokens, and so clients, are kept per account and client id. */
export interface ClientKey {
  jid: string;
  clientId: string;
}

/** What mod_client_management keeps per client (docs/client-management.md), as of the events so far. */
export interface ClientRecord {
  /** Known by its full JID: it sent no SASL2 `<user-agent id>` (docs/client-management.md, "For operators"). */
  legacy: boolean;
  firstSeen: string;
  lastSeen: string;
  /** It has logged in on an XMPP stream ("session" in listings), not only been granted access ("access"). */
  sessionSeen: boolean;
  /**
   * Frozen once known, as mod_client_management freezes it at first sight. A fact without
   * one is no sight: a grant made by a token request carries none, and may be read before
   * the login that does.
   */
  userAgent?: UserAgent;
  /** SASL mechanism → its last use, as the `mechanisms` of mod_client_management's records. */
  mechanisms: Readonly<Record<string, string>>;
  /** Last login with a password mechanism (anything but OAUTHBEARER and HT-*). */
  passwordUsedAt?: string;
  /** Last login with a FAST token. */
  fastUsedAt?: string;
  /** The account's last password change this client has been told of. */
  passwordChangedAt?: string;
  /** The live grant the token service holds for the client. */
  grant?: { grantId: string; createdAt: string };
  /** FAST tokens the client holds: token id → when issued, when void. */
  fastTokens: Readonly<Record<string, { issuedAt: string; expiresAt: string }>>;
  /** Live sessions: session id → full JID once bound. */
  sessions: Readonly<Record<string, { fullJid?: string }>>;
  /**
   * When it was last revoked, until a login after that (its return, client.seen): kept
   * when a new grant makes the client known again first, since the token and session
   * streams are read in no set order.
   */
  revokedSince?: string;
  /** The last full JID a session of the client bound: a legacy client's identity. */
  lastFullJid?: string;
}

/** The client.revoked event as stored: a retried revocation publishes its notice again under the same cause. */
export interface Revocation {
  id: string;
  fullJids: readonly string[];
}

/**
 * `unknown`: never seen, or forgotten with its account. `revoked`: access was revoked and
 * the client has not logged in or been granted access since (it may still know the password).
 */
export type ClientState =
  | { status: 'unknown' }
  | ({ status: 'known' } & ClientRecord)
  | ({ status: 'revoked'; revokedAt: string; revocation?: Revocation } & ClientRecord);

export type KnownClientState = Exclude<ClientState, { status: 'unknown' }>;

export function initialState(): ClientState {
  return { status: 'unknown' };
}

/** As Prosody's mod_client_management counts them: every SASL mechanism is a password mechanism except OAUTHBEARER and the HT-* (FAST) family. */
export function isPasswordMechanism(mechanism: string): boolean {
  return mechanism !== 'OAUTHBEARER' && !mechanism.startsWith('HT-');
}

const later = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);
const earlier = (a: string, b: string): string => (Date.parse(b) < Date.parse(a) ? b : a);

function fresh(time: string, init: { legacy: boolean; sessionSeen: boolean; userAgent?: UserAgent }): ClientRecord {
  return {
    legacy: init.legacy,
    firstSeen: time,
    lastSeen: time,
    sessionSeen: init.sessionSeen,
    ...(init.userAgent ? { userAgent: init.userAgent } : {}),
    mechanisms: {},
    fastTokens: {},
    sessions: {},
  };
}

/** Facts from several streams arrive in no set order: seen times widen rather than overwrite. */
function seen(record: ClientRecord, time: string): ClientRecord {
  return { ...record, firstSeen: earlier(record.firstSeen, time), lastSeen: later(record.lastSeen, time) };
}

/** A login after the last revocation ends it. */
function returned(record: ClientRecord, time: string): ClientRecord {
  if (record.revokedSince === undefined || Date.parse(time) <= Date.parse(record.revokedSince)) return record;
  const { revokedSince: _revokedSince, ...rest } = record;
  return rest;
}

function recordOf(state: KnownClientState): ClientRecord {
  const { status: _status, ...rest } = state;
  if ('revokedAt' in rest) {
    const { revokedAt: _revokedAt, revocation: _revocation, ...record } = rest;
    return record;
  }
  return rest;
}

function without<V>(entries: Readonly<Record<string, V>>, key: string): Record<string, V> {
  const { [key]: _gone, ...rest } = entries;
  return rest;
}

/** Applies a fact to a known client, keeping it revoked or not. */
function update(state: KnownClientState, change: (record: ClientRecord) => ClientRecord): ClientState {
  const record = change(recordOf(state));
  if (state.status === 'known') return { status: 'known', ...record };
  return { status: 'revoked', revokedAt: state.revokedAt, ...(state.revocation ? { revocation: state.revocation } : {}), ...record };
}

/** A login as client.authenticated (before catalog v2) and client.seen record it. */
function loggedIn(
  state: ClientState,
  time: string,
  { legacy, userAgent, mechanism, method }: { legacy: boolean; userAgent?: UserAgent; mechanism: string; method: 'password' | 'fast' },
): Extract<ClientState, { status: 'known' }> {
  const record = state.status === 'unknown' ? fresh(time, { legacy, sessionSeen: true, ...(userAgent ? { userAgent } : {}) }) : returned(recordOf(state), time);
  return {
    status: 'known',
    ...seen(record, time),
    ...(record.userAgent ?? userAgent ? { userAgent: record.userAgent ?? userAgent } : {}),
    sessionSeen: true,
    mechanisms: { ...record.mechanisms, [mechanism]: later(record.mechanisms[mechanism], time) },
    ...(isPasswordMechanism(mechanism) ? { passwordUsedAt: later(record.passwordUsedAt, time) } : {}),
    ...(method === 'fast' ? { fastUsedAt: later(record.fastUsedAt, time) } : {}),
  };
}

export function evolve(state: ClientState, event: ClientFact): ClientState {
  const { time } = event;
  switch (event.type) {
    case 'gatehouse.client.authenticated.v1': {
      const known = loggedIn(state, time, event.data);
      const { sessionId } = event.data;
      return { ...known, sessions: { ...known.sessions, [sessionId]: known.sessions[sessionId] ?? {} } };
    }
    case 'gatehouse.client.seen.v1':
      return loggedIn(state, time, event.data);
    case 'gatehouse.client.session-bound.v1': {
      if (state.status === 'unknown') return state;
      const { sessionId, fullJid } = event.data;
      return update(state, (record) => ({ ...seen(record, time), sessions: { ...record.sessions, [sessionId]: { fullJid } }, lastFullJid: fullJid }));
    }
    case 'gatehouse.client.session-ended.v1':
      if (state.status === 'unknown') return state;
      return update(state, (record) => ({ ...seen(record, time), sessions: without(record.sessions, event.data.sessionId) }));
    case 'gatehouse.client.granted.v1': {
      const { grantId, userAgent } = event.data;
      const record = state.status === 'unknown' ? fresh(time, { legacy: false, sessionSeen: false, ...(userAgent ? { userAgent } : {}) }) : recordOf(state);
      return {
        status: 'known',
        ...seen(record, time),
        ...(record.userAgent ?? userAgent ? { userAgent: record.userAgent ?? userAgent } : {}),
        grant: { grantId, createdAt: time },
      };
    }
    case 'gatehouse.client.grant-used.v1':
      if (state.status === 'unknown' || state.grant?.grantId !== event.data.grantId) return state;
      return update(state, (record) => seen(record, time));
    case 'gatehouse.client.grant-revoked.v1':
      if (state.status === 'unknown' || state.grant?.grantId !== event.data.grantId) return state;
      return update(state, ({ grant: _grant, ...record }) => record);
    case 'gatehouse.client.fast-token-issued.v1': {
      if (state.status === 'unknown') return state;
      const { tokenId, expiresAt } = event.data;
      return update(state, (record) => ({ ...record, fastTokens: { ...record.fastTokens, [tokenId]: { issuedAt: time, expiresAt } } }));
    }
    case 'gatehouse.client.fast-token-invalidated.v1':
      if (state.status === 'unknown') return state;
      return update(state, (record) => ({ ...record, fastTokens: without(record.fastTokens, event.data.tokenId) }));
    case 'gatehouse.client.password-changed.v1':
      if (state.status === 'unknown') return state;
      return update(state, (record) => ({ ...record, passwordChangedAt: later(record.passwordChangedAt, time) }));
    case 'gatehouse.client.forgotten.v1':
      return initialState();
    case 'gatehouse.client.revoked.v1': {
      if (state.status === 'unknown') return state;
      const { grant, ...record } = recordOf(state);
      // Its sessions are being closed and the token service voids its grant and every token.
      const kept = grant && grant.grantId !== event.data.grantId ? { grant } : {};
      const revocation = event.id === undefined ? {} : { revocation: { id: event.id, fullJids: event.data.fullJids } };
      return { status: 'revoked', revokedAt: time, ...revocation, ...record, revokedSince: time, ...kept, sessions: {}, fastTokens: {} };
    }
    default: {
      const unexpected: never = event;
      throw new Error(`unhandled client event ${JSON.stringify(unexpected)}`);
    }
  }
}
