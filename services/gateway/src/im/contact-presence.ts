/**
 * Presence between an account and its contacts, on whatever replicas their sessions
 * live (RFC 6121 §4). Presence goes to every *available* resource of the recipient,
 * whatever its priority: priority only steers messages (§4.7.2.3, §8.5.2.1.1).
 */
import { escapeXML } from '@xmpp/xml';
import { NS_CLIENT } from '@gatehouse/xmpp';
import type { Router } from '../routing/router.ts';
import type { Route, RouteTable } from '../routing/route-table.ts';
import type { PresenceDirectory } from './presence-directory.ts';

export class ContactPresence {
  constructor(
    private readonly router: Router,
    private readonly table: RouteTable,
    private readonly presences: PresenceDirectory,
  ) {}

  availableRoutes(bareJid: string): Route[] {
    return this.table.resourcesOf(bareJid).filter((route) => route.available);
  }

  /** Delivers one serialised stanza to each available resource of an account. */
  async toAvailable(bareJid: string, serialised: string): Promise<void> {
    await Promise.all(this.availableRoutes(bareJid).map((route) => this.router.deliver(route, serialised)));
  }

  /** Each available resource of `owner` sends `contact` its current presence (§3.1.5, §4.2.2). */
  async current(owner: string, contact: string): Promise<void> {
    for (const route of this.availableRoutes(owner)) {
      const presence = this.presences.presenceOf(route, contact);
      if (presence) await this.toAvailable(contact, presence);
    }
  }

  /** Each available resource of `owner` tells `contact` it is gone (§3.2.2, §4.5.2). */
  async unavailable(owner: string, contact: string): Promise<void> {
    for (const route of this.availableRoutes(owner)) await this.toAvailable(contact, unavailableXml(route.fullJid, contact));
  }

  /** A probe answered (§4.3.2): the current presence of each available resource of `contact`, to one session. */
  async probe(contact: string, target: Route): Promise<void> {
    for (const route of this.availableRoutes(contact)) {
      if (route.fullJid === target.fullJid) continue;
      const presence = this.presences.presenceOf(route, target.fullJid);
      if (presence) await this.router.deliver(target, presence);
    }
  }

  /** The same, to every available resource of `owner` (a contact newly visible to all of them). */
  async probeAll(contact: string, owner: string): Promise<void> {
    for (const target of this.availableRoutes(owner)) await this.probe(contact, target);
  }
}

export function unavailableXml(from: string, to: string): string {
  return `<presence xmlns='${NS_CLIENT}' type='unavailable' from='${escapeXML(from)}' to='${escapeXML(to)}'/>`;
}
