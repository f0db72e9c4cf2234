/**
 * jabber:iq:roster (RFC 6121 §2): roster get with versioning (§2.6), set and remove.
 * A get marks the session interested, so it receives pushes (§2.1.6); pushes
 * themselves come from the roster event stream (pushes.ts), whoever made the change.
 */
import xml, { type Element } from '@xmpp/xml';
import type { RosterItem } from '@gatehouse/events';
import { NS_CLIENT, NS_ROSTER, formatJid, iqResult, stanzaError, tryParseJid } from '@gatehouse/xmpp';
import type { RouteTable } from '../routing/route-table.ts';
import type { ContactPresence } from './contact-presence.ts';
import { imError } from './im-errors.ts';
import type { InterestRegistry } from './interest.ts';
import type { RosterSyncClient } from './roster-sync-client.ts';
import type { ImSender } from './sender.ts';
import type { Subscriptions } from './subscriptions.ts';

export class RosterIq {
  constructor(
    private readonly client: RosterSyncClient,
    private readonly interest: InterestRegistry,
    private readonly table: RouteTable,
    private readonly subscriptions: Subscriptions,
    private readonly contacts: ContactPresence,
    private readonly domain: string,
  ) {}

  async handle(iq: Element, query: Element, sender: ImSender): Promise<void> {
    try {
      if (iq.attrs.type === 'get') return await this.get(iq, query, sender);
      return await this.set(iq, query, sender);
    } catch (error) {
      sender.reply(imError(iq, error));
    }
  }

  private async get(iq: Element, query: Element, sender: ImSender): Promise<void> {
    this.interest.add(sender.bareJid, sender.sessionId, 'roster');
    // External mode re-fetches at an account's first login, as Prosody does at each.
    const firstSession = this.table.resourcesOf(sender.bareJid).length <= 1;
    const { version, items } = await this.client.roster(sender.bareJid, firstSession);
    const ver = query.attrs.ver as string | undefined;
    // §2.6.3: the client's copy is current: an empty result, changes come as pushes.
    if (ver !== undefined && ver === String(version)) return sender.reply(iqResult(iq));
    // Versioning is always advertised, so every full result says which version it is (as
    // Prosody does), even to a client that sent no ver: it can send that one next time.
    sender.reply(iqResult(iq, rosterQuery(items, version)));
  }

  private async set(iq: Element, query: Element, sender: ImSender): Promise<void> {
    const items = query.getChildren('item');
    // §2.3.3: exactly one item per set.
    if (items.length !== 1) return sender.reply(stanzaError(iq, 'bad-request', { text: 'a roster set carries exactly one item' }));
    const item = items[0]!;
    const parsed = tryParseJid(String(item.attrs.jid ?? ''));
    if (!parsed) return sender.reply(stanzaError(iq, 'jid-malformed'));
    const jid = formatJid(parsed);
    if (item.attrs.subscription === 'remove') {
      const effects = await this.client.removeItem(sender.bareJid, jid);
      sender.reply(iqResult(iq));
      // §2.5.2: the subscriptions end both ways; a pending request is declined.
      const local = parsed.local !== '' && parsed.resource === '' && parsed.domain === this.domain;
      if (!local) return;
      if (effects.presence === 'unavailable') await this.contacts.unavailable(sender.bareJid, jid);
      if (effects.unsubscribe) await this.subscriptions.receive(presence('unsubscribe', sender.bareJid, jid), jid, sender.bareJid, 'unsubscribe');
      if (effects.unsubscribed) await this.subscriptions.receive(presence('unsubscribed', sender.bareJid, jid), jid, sender.bareJid, 'unsubscribed');
      return;
    }
    // 'subscription' other than remove and 'ask' are the server's to set (§2.1.2.5): ignored.
    const name = typeof item.attrs.name === 'string' && item.attrs.name !== '' ? item.attrs.name : undefined;
    const groups = item.getChildren('group').map((group) => group.text());
    await this.client.setItem(sender.bareJid, { jid, ...(name === undefined ? {} : { name }), groups });
    sender.reply(iqResult(iq));
  }
}

export function rosterQuery(items: RosterItem[], version: number): Element {
  return xml('query', { xmlns: NS_ROSTER, ver: String(version) }, ...items.map(itemXml));
}

export function itemXml(item: RosterItem): Element {
  const attrs: Record<string, string> = { jid: item.jid, subscription: item.subscription };
  if (item.name !== undefined) attrs.name = item.name;
  if (item.ask) attrs.ask = 'subscribe';
  // §2.1.2.1: 'approved' appears only when true.
  if (item.approved) attrs.approved = 'true';
  return xml('item', attrs, ...item.groups.map((group) => xml('group', {}, group)));
}

function presence(type: 'unsubscribe' | 'unsubscribed', from: string, to: string): Element {
  return xml('presence', { xmlns: NS_CLIENT, type, from, to });
}
