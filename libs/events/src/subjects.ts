import { InvalidSubjectTokenError } from './errors.ts';

/**
 * A subject-safe token for any string: base64url of its UTF-8 bytes, without padding.
 * JIDs contain `.`, NATS's token separator, and may contain `*`, `>` or spaces.
 */
export function subjectToken(value: string): string {
  if (value === '') throw new InvalidSubjectTokenError('cannot make a subject token of an empty string');
  return Buffer.from(value, 'utf8').toString('base64url');
}

export function fromSubjectToken(token: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new InvalidSubjectTokenError(`not a subject token: ${token}`);
  const value = Buffer.from(token, 'base64url').toString('utf8');
  // Node decodes leniently; re-encoding rejects truncated tokens and invalid UTF-8.
  if (value === '' || subjectToken(value) !== token) throw new InvalidSubjectTokenError(`not a subject token: ${token}`);
  return value;
}

/** Every stream, subject, bucket and service name of one namespace (docs/architecture.md). */
export function namesFor(ns: string) {
  const NS = ns.toUpperCase();
  return {
    /** GATEHOUSE_NAMESPACE itself: what `call` (@gatehouse/bus) takes to name a catalog endpoint's subject. */
    namespace: ns,
    streams: {
      accounts: `${NS}_ACCOUNTS`,
      sessions: `${NS}_SESSIONS`,
      tokens: `${NS}_TOKENS`,
      rosters: `${NS}_ROSTERS`,
      /** Offline messages (XEP-0160): stored stanzas, not events; owned by roster-sync. */
      offline: `${NS}_OFFLINE`,
      /** Client aggregates (client-registry): what reaches each account, and revocations. */
      clients: `${NS}_CLIENTS`,
      /** Notices that end live sessions (catalog v2): the one stream every gateway follows. */
      control: `${NS}_CONTROL`,
    },
    subjects: {
      /** @param bareJid the normalised bare JID */
      account: (bareJid: string) => `${ns}.account.${subjectToken(bareJid)}`,
      accounts: `${ns}.account.>`,
      /** @param sessionId already subject-safe (base64url) */
      session: (sessionId: string) => `${ns}.session.${sessionId}`,
      sessions: `${ns}.session.>`,
      /** One grant per account and XEP-0388 client id: two subject tokens. */
      grant: (bareJid: string, clientId: string) => `${ns}.grant.${subjectToken(bareJid)}.${subjectToken(clientId)}`,
      grants: `${ns}.grant.>`,
      /** Every grant of one account: one wildcard filter, for reading them on demand. */
      grantsOf: (bareJid: string) => `${ns}.grant.${subjectToken(bareJid)}.*`,
      /** The FAST token slots of one account and client id, beside its grant. */
      fastToken: (bareJid: string, clientId: string) => `${ns}.fast-token.${subjectToken(bareJid)}.${subjectToken(clientId)}`,
      fastTokens: `${ns}.fast-token.>`,
      /** The FAST token slots of every client of one account. */
      fastTokensOf: (bareJid: string) => `${ns}.fast-token.${subjectToken(bareJid)}.*`,
      /** @param bareJid the roster owner */
      roster: (bareJid: string) => `${ns}.roster.${subjectToken(bareJid)}`,
      rosters: `${ns}.roster.>`,
      blocklist: (bareJid: string) => `${ns}.blocklist.${subjectToken(bareJid)}`,
      blocklists: `${ns}.blocklist.>`,
      /** The offline messages of one account, oldest first. */
      offline: (bareJid: string) => `${ns}.offline.${subjectToken(bareJid)}`,
      offlineMessages: `${ns}.offline.>`,
      /** One client of an account: its XEP-0388 id, or the id the registry gave a legacy client. */
      client: (bareJid: string, clientId: string) => `${ns}.client.${subjectToken(bareJid)}.${subjectToken(clientId)}`,
      clients: `${ns}.client.>`,
      /** Every client of one account: one wildcard, so one filter subject (nats-server 2.9) reads them all. */
      accountClients: (bareJid: string) => `${ns}.client.${subjectToken(bareJid)}.*`,
      /** Session-ending notices for one account (catalog v2). */
      control: (bareJid: string) => `${ns}.control.${subjectToken(bareJid)}`,
      controls: `${ns}.control.>`,
      c2s: (replica: string, sessionId: string) => `${ns}.c2s.${replica}.${sessionId}`,
      c2sReplica: (replica: string) => `${ns}.c2s.${replica}.>`,
    },
    buckets: {
      sessions: `${ns}_sessions`,
      replicas: `${ns}_replicas`,
      secrets: `${ns}_secrets`,
      /** Current presence of every available full JID, for probes answered by any replica. */
      presence: `${ns}_presence`,
      /** Block lists by owner, mirrored by every gateway replica (projection of the blocklist events). */
      blocklists: `${ns}_blocklists`,
      /** Snapshots of long rosters (roster-sync's event store): a cache, never the truth. */
      rosterSnapshots: `${ns}_roster_snapshots`,
      /** Snapshots of long FAST token aggregates (@gatehouse/event-store): a cache, never the truth. */
      fastTokenSnapshots: `${ns}_fast_token_snapshots`,
      /** XEP-0012: when each account's last session ended. */
      lastActivity: `${ns}_last_activity`,
      /** Full JID (subjectToken) → the id Gatehouse gave the legacy client known by it (the gateway names it at binding since catalog v2). */
      legacyClients: `${ns}_legacy_clients`,
      /** Failed logins per client address and per account, shared by every gateway replica (max age = the throttle window). */
      loginFailures: `${ns}_login_failures`,
    },
    services: {
      token: `${ns}.token`,
      projections: `${ns}.projections`,
      /** Not `<ns>.roster`: that prefix is the roster aggregate's subjects, which JetStream captures. */
      rosterSync: `${ns}.roster-sync`,
      /** Not `<ns>.client`: that prefix is the client aggregate's subjects, which JetStream captures. */
      clientRegistry: `${ns}.clients`,
    },
  } as const;
}

export type Names = ReturnType<typeof namesFor>;
