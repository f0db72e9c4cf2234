/**
 * Roster pushes (RFC 6121 §2.1.6) and block list pushes (XEP-0191 §3.3, §3.4) to the
 * interested resources on this replica, whichever replica or service made the change:
 * ONE ordered consumer of the rosters stream per replica (never one per session), as
 * account control does. After a NATS outage it resumes from its last sequence.
 */
import { randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { followStream, type NatsConnection } from '@gatehouse/bus';
import { subscriberChange, type PresenceAudiences } from './audiences.ts';
import type { GatehouseEvent, RosterItem } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { NS_CLIENT, NS_ROSTER } from '@gatehouse/xmpp';
import { blocklistXml } from './blocking-iq.ts';
import type { Interest, InterestRegistry } from './interest.ts';
import { itemXml } from './roster-iq.ts';

export interface PushTarget {
  readonly fullJid: string | undefined;
  deliver(serialised: string): void;
}

/** The pushes an event calls for: what to send, and to whom. */
export function pushesFor(event: GatehouseEvent): { owner: string; interest: Interest; payloads: Element[] } | undefined {
  switch (event.type) {
    case 'gatehouse.roster.item-set.v1':
      return { owner: event.data.owner, interest: 'roster', payloads: [rosterPush(event.data.item, event.data.version)] };
    case 'gatehouse.roster.item-removed.v1':
      return { owner: event.data.owner, interest: 'roster', payloads: [rosterRemovePush(event.data.jid, event.data.version)] };
    case 'gatehouse.roster.subscription-changed.v1':
      return event.data.itemChanged ? { owner: event.data.owner, interest: 'roster', payloads: [rosterPush(event.data.item, event.data.version)] } : undefined;
    case 'gatehouse.roster.synced.v1': {
      // One item per push (§2.1.6), each with the version it leads to.
      const { set, removed, version } = event.data;
      const first = version - set.length - removed.length;
      const payloads = [...set.map((item, i) => rosterPush(item, first + i + 1)), ...removed.map((jid, i) => rosterRemovePush(jid, first + set.length + i + 1))];
      return payloads.length > 0 ? { owner: event.data.owner, interest: 'roster', payloads } : undefined;
    }
    case 'gatehouse.roster.cleared.v1': {
      // The account is gone and its sessions with it; a session still closing hears the removals.
      const { removed, version } = event.data;
      const first = version - removed.length;
      return removed.length > 0 ? { owner: event.data.owner, interest: 'roster', payloads: removed.map((jid, i) => rosterRemovePush(jid, first + i + 1)) } : undefined;
    }
    case 'gatehouse.blocklist.blocked.v1':
      return { owner: event.data.owner, interest: 'blocklist', payloads: [blocklistXml('block', event.data.jids)] };
    case 'gatehouse.blocklist.unblocked.v1':
      // §3.4: unblocking everything is pushed as an empty <unblock/>.
      return { owner: event.data.owner, interest: 'blocklist', payloads: [blocklistXml('unblock', event.data.all ? [] : event.data.jids)] };
    default:
      return undefined;
  }
}

export function startPushes(opts: {
  nc: NatsConnection;
  stream: string;
  interest: InterestRegistry;
  session(sessionId: string): PushTarget | undefined;
  audiences: PresenceAudiences;
  logger: Logger;
}): { caughtUp: Promise<void>; stop(): Promise<void> } {
  return followStream(opts.nc, { stream: opts.stream, deliver: 'new', logger: opts.logger }, (event) => {
    const change = subscriberChange(event);
    if (change) opts.audiences.apply(change);
    const pushes = pushesFor(event);
    if (!pushes) return;
    for (const sessionId of opts.interest.sessionsOf(pushes.owner, pushes.interest)) {
      const session = opts.session(sessionId);
      if (!session?.fullJid) {
        opts.interest.forget(pushes.owner, sessionId);
        continue;
      }
      for (const payload of pushes.payloads) {
        session.deliver(xml('iq', { xmlns: NS_CLIENT, type: 'set', id: `push-${randomBytes(6).toString('hex')}`, to: session.fullJid }, payload).toString());
      }
    }
  });
}

function rosterPush(item: RosterItem, version: number): Element {
  return xml('query', { xmlns: NS_ROSTER, ver: String(version) }, itemXml(item));
}

function rosterRemovePush(jid: string, version: number): Element {
  return xml('query', { xmlns: NS_ROSTER, ver: String(version) }, xml('item', { jid, subscription: 'remove' }));
}
