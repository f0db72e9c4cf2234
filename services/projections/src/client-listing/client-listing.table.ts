import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * One row per client aggregate (account, client id) that is known: forgotten clients
 * have none. Whether a row is listed is decided at query time (listing.ts), because a
 * FAST token's expiry passes without any event.
 */
export interface ClientsTable {
  /** Bare JID of the account. */
  jid: string;
  /** XEP-0388 `<user-agent id>`, or the id the registry gave a legacy client. */
  client_id: string;
  legacy: boolean;
  /** Seen on an XMPP stream: "session" entries; else "access" (only granted access). */
  session_seen: boolean;
  first_seen: Timestamp;
  last_seen: Timestamp;
  /** XEP-0388 `<software>`, `<device>`, `<uri>` as first seen. */
  software: string | null;
  device: string | null;
  uri: string | null;
  /** Last login with a password mechanism. */
  password_used_at: Timestamp | null;
  /** Last login with a FAST token. */
  fast_used_at: Timestamp | null;
  /** The account's last password change the client was told of. */
  password_changed_at: Timestamp | null;
  /** The live grant, if any. */
  grant_id: string | null;
  grant_created_at: Timestamp | null;
  /** Set by a revocation, cleared by the next login or grant. */
  revoked_at: Timestamp | null;
  /** When the client's last session ended (XEP-0012 last activity), and its last unavailable presence's status. */
  last_ended_at: Timestamp | null;
  last_status: string | null;
}

/** Live sessions of a client: authenticated, and bound once `full_jid` is set. */
export interface ClientSessionsTable {
  jid: string;
  client_id: string;
  session_id: string;
  full_jid: string | null;
  /** From session.established (catalog v2); null for a session known from client events. */
  established_at: Timestamp | null;
}

/** FAST tokens a client holds (not invalidated; expiry is checked when listing). */
export interface ClientFastTokensTable {
  jid: string;
  client_id: string;
  token_id: string;
  issued_at: Timestamp;
  expires_at: Timestamp;
}

/**
 * A client's forgetting (client.forgotten), kept after its rows are gone: a login older
 * than it, read later from the sessions stream, must not bring the client back.
 */
export interface ForgottenClientsTable {
  jid: string;
  client_id: string;
  forgotten_at: Timestamp;
}

/**
 * A session.ended that found no session row to delete: its session.established, should it
 * be read after all, must not leave the client connected. Deleted by that established.
 */
export interface EndedClientSessionsTable {
  session_id: string;
  ended_at: Timestamp;
}

export type ClientRow = Selectable<ClientsTable>;
export type ClientSessionRow = Selectable<ClientSessionsTable>;
export type ClientFastTokenRow = Selectable<ClientFastTokensTable>;
