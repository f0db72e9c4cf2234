/**
 * The seeded events, built with the catalog's createEvent (which validates each one, as
 * every producer does) on the subjects namesFor gives, with the sources and shapes the
 * services themselves write (compared with what a stack stores for one first login).
 */
import { createEvent, type GatehouseEvent, type Names, type RosterItem, type ScramCredentials } from '@gatehouse/events';
import { clientIdOf, eventId, grantIdOf, sessionIdOf } from './ids.ts';
import { clientOwner, contactsOf, jidOf, type SeedCounts } from './layout.ts';

export interface SeedContext {
  names: Names;
  counts: SeedCounts;
  /** One SCRAM credential pair for every account (see credentials.ts). */
  credentials: ScramCredentials;
  /** When the seeded history happened. */
  time: Date;
}

const REPLICA = 'gw0';
const USER_AGENT = { software: 'gatehouse-seed', device: 'seeded client' };

export function accountCreated({ names, credentials, time }: SeedContext, account: number): GatehouseEvent {
  const jid = jidOf(account);
  return createEvent('gatehouse.account.created.v1', {
    id: eventId('account', account),
    subject: names.subjects.account(jid),
    source: 'gatehouse/token',
    time,
    data: { jid, credentials },
  });
}

/** A roster of C contacts with mutual subscriptions, in one event as roster-sync stores a fetched roster (version = items changed). */
export function rosterSynced({ names, counts, time }: SeedContext, owner: number): GatehouseEvent {
  const jid = jidOf(owner);
  const set: RosterItem[] = contactsOf(counts, owner).map((contact, j) => ({
    jid: jidOf(contact),
    name: `Contact ${j + 1}`,
    groups: [j % 5 === 0 ? 'Family' : 'Friends'],
    subscription: 'both',
    ask: false,
    approved: false,
  }));
  return createEvent('gatehouse.roster.synced.v1', {
    id: eventId('roster', owner),
    subject: names.subjects.roster(jid),
    source: 'gatehouse/roster-sync',
    time,
    data: { owner: jid, version: set.length, set, removed: [] },
  });
}

/**
 * What one password login of a new client stores today: the gateway's session.established
 * and session.ended, the token service's grant.created (token.grant.record), and the
 * registry's client.seen (first-seen) and client.granted. Times step by a millisecond in
 * that order.
 */
export function clientLogin({ names, counts, time }: SeedContext, client: number): GatehouseEvent[] {
  const owner = clientOwner(counts, client);
  const jid = jidOf(owner);
  const clientId = clientIdOf(client);
  const sessionId = sessionIdOf(client);
  const grantId = grantIdOf(client);
  const fullJid = `${jid}/seed~${sessionId.slice(0, 12)}`;
  const at = (ms: number) => new Date(time.getTime() + ms);
  const login = { mechanism: 'SCRAM-SHA-256', method: 'password', legacy: false } as const;
  return [
    createEvent('gatehouse.session.established.v1', {
      id: eventId('client', client, 0),
      subject: names.subjects.session(sessionId),
      source: `gatehouse/gateway/${REPLICA}`,
      time: at(0),
      data: { sessionId, replica: REPLICA, jid: fullJid, transport: 'tls', clientIp: '127.0.0.1', openedAt: at(-40).toISOString(), clientId, userAgent: USER_AGENT, ...login },
    }),
    createEvent('gatehouse.grant.created.v1', {
      id: eventId('client', client, 1),
      subject: names.subjects.grant(jid, clientId),
      source: 'gatehouse/token',
      time: at(1),
      data: { jid, clientId, grantId, authenticatedBy: 'password', userAgent: USER_AGENT },
    }),
    createEvent('gatehouse.client.seen.v1', {
      id: eventId('client', client, 2),
      subject: names.subjects.client(jid, clientId),
      source: 'gatehouse/client-registry',
      time: at(2),
      data: { jid, clientId, sessionId, change: 'first-seen', userAgent: USER_AGENT, ...login },
    }),
    createEvent('gatehouse.client.granted.v1', {
      id: eventId('client', client, 3),
      subject: names.subjects.client(jid, clientId),
      source: 'gatehouse/client-registry',
      time: at(3),
      data: { jid, clientId, grantId, authenticatedBy: 'password', userAgent: USER_AGENT },
    }),
    createEvent('gatehouse.session.ended.v1', {
      id: eventId('client', client, 4),
      subject: names.subjects.session(sessionId),
      source: `gatehouse/gateway/${REPLICA}`,
      time: at(60_000),
      data: { sessionId, jid: fullJid, reason: 'closed-by-client', clientId },
    }),
  ];
}
