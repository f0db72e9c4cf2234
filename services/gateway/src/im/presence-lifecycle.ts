/**
 * What a session's own presence means for its contacts (RFC 6121 §4): initial presence
 * is broadcast to subscribers and probes the contacts it is subscribed to (§4.2), then
 * pending subscription requests (§3.1.3) and offline messages (XEP-0160) are delivered;
 * later presence is broadcast again (§4.4); unavailable presence, or the session ending,
 * tells subscribers and directed-presence recipients (§4.5, §4.6.3).
 */
import type { Element } from '@xmpp/xml';
import type { Logger } from '@gatehouse/telemetry';
import { tryParseJid } from '@gatehouse/xmpp';
import type { Router } from '../routing/router.ts';
import type { Route, RouteTable } from '../routing/route-table.ts';
import type { PresenceAudiences } from './audiences.ts';
import { unavailableXml, type ContactPresence } from './contact-presence.ts';
import type { DirectedPresence } from './directed.ts';
import type { OfflineMessages } from './offline.ts';
import type { PresenceDirectory } from './presence-directory.ts';
import type { PresencePeers, RosterSyncClient } from './roster-sync-client.ts';
import { copyWith } from './xml-copy.ts';

export interface PresenceSession {
  sessionId: string;
  fullJid: string;
  bareJid: string;
  priority: number;
}

const NO_PEERS: PresencePeers = { broadcast: [], probe: [], pending: [] };

export class PresenceLifecycle {
  constructor(
    private readonly deps: {
      client: RosterSyncClient;
      contacts: ContactPresence;
      audiences: PresenceAudiences;
      presences: PresenceDirectory;
      directed: DirectedPresence;
      offline: OfflineMessages;
      table: RouteTable;
      router: Router;
      logger: Logger;
    },
  ) {}

  async available(session: PresenceSession, presence: Element, initial: boolean): Promise<void> {
    const { contacts, presences, offline, router } = this.deps;
    await presences.put(session.fullJid, session.sessionId, presence).catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not record presence'));
    const peers = await this.peers(session.bareJid);
    this.deps.audiences.told(session.bareJid, session.sessionId, peers.broadcast);
    await this.broadcast(peers.broadcast, (to) => withTo(presence, to));
    if (!initial) return;
    const route = this.deps.table.get(session.fullJid);
    if (!route || route.sessionId !== session.sessionId) return;
    // As Prosody does: the new resource also learns its siblings' presence.
    await contacts.probe(session.bareJid, route);
    for (const contact of peers.probe) await contacts.probe(contact, route);
    for (const request of peers.pending) await router.deliver(route, request);
    // XEP-0160 §3: offline messages go to the first resource with non-negative priority.
    if (session.priority >= 0) await offline.deliver(session.bareJid, (stanza) => router.deliver(route, stanza));
  }

  /** `presence` is the client's unavailable presence, or undefined when the session ended. */
  async unavailable(session: PresenceSession, presence: Element | undefined, accountDeleted = false): Promise<void> {
    await this.deps.presences.remove(session.fullJid).catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not remove presence'));
    const audience = this.deps.audiences.take(session.bareJid, session.sessionId);
    const told = accountDeleted ? audience : [];
    const peers = await this.peers(session.bareJid);
    const targets = new Set([...told, ...peers.broadcast, ...this.deps.directed.take(session.sessionId)]);
    await this.broadcast([...targets], (to) => (presence ? withTo(presence, to) : unavailableXml(session.fullJid, to)));
  }

  /** A replica died with this session on it: its subscribers learn it is gone (§4.5.2). */
  async routeLost(route: Route): Promise<void> {
    await this.deps.presences.remove(route.fullJid).catch(() => {});
    const peers = await this.peers(route.bareJid);
    await this.broadcast(peers.broadcast, (to) => unavailableXml(route.fullJid, to));
  }

  private async peers(bareJid: string): Promise<PresencePeers> {
    try {
      return await this.deps.client.peers(bareJid);
    } catch (error) {
      this.deps.logger.warn({ err: error, jid: bareJid }, 'could not learn whom presence concerns; contacts not told');
      return NO_PEERS;
    }
  }

  /** To a bare JID: its available resources; to a full JID (directed presence): that resource. */
  private async broadcast(targets: string[], stanzaFor: (to: string) => string): Promise<void> {
    for (const to of targets) {
      const jid = tryParseJid(to);
      if (jid?.resource) {
        const route = this.deps.table.get(to);
        if (route) await this.deps.router.deliver(route, stanzaFor(to));
      } else {
        await this.deps.contacts.toAvailable(to, stanzaFor(to));
      }
    }
  }
}

function withTo(presence: Element, to: string): string {
  return copyWith(presence, { to }).toString();
}
