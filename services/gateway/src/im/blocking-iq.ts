/**
 * XEP-0191 blocking command: the block list (get), block and unblock (set). A get marks
 * the session interested in block list pushes (§3.3). Blocking a contact ends its view
 * of the user's presence; unblocking restores it both ways.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS_BLOCKING, formatJid, iqResult, isBlockedBy, stanzaError, tryParseJid } from '@gatehouse/xmpp';
import type { ContactPresence } from './contact-presence.ts';
import { imError } from './im-errors.ts';
import type { InterestRegistry } from './interest.ts';
import type { RosterSyncClient } from './roster-sync-client.ts';
import type { ImSender } from './sender.ts';

export class BlockingIq {
  constructor(
    private readonly client: RosterSyncClient,
    private readonly interest: InterestRegistry,
    private readonly contacts: ContactPresence,
  ) {}

  async handle(iq: Element, payload: Element, sender: ImSender): Promise<void> {
    try {
      if (iq.attrs.type === 'get' && payload.name === 'blocklist') return await this.list(iq, sender);
      if (iq.attrs.type === 'set' && (payload.name === 'block' || payload.name === 'unblock')) return await this.change(iq, payload, sender);
      sender.reply(stanzaError(iq, 'bad-request'));
    } catch (error) {
      sender.reply(imError(iq, error));
    }
  }

  private async list(iq: Element, sender: ImSender): Promise<void> {
    this.interest.add(sender.bareJid, sender.sessionId, 'blocklist');
    const jids = await this.client.blocklist(sender.bareJid);
    sender.reply(iqResult(iq, blocklistXml('blocklist', jids)));
  }

  private async change(iq: Element, payload: Element, sender: ImSender): Promise<void> {
    const jids: string[] = [];
    for (const item of payload.getChildren('item')) {
      const parsed = tryParseJid(String(item.attrs.jid ?? ''));
      // §3.3: an invalid JID fails the whole request.
      if (!parsed) return sender.reply(stanzaError(iq, 'jid-malformed'));
      jids.push(formatJid(parsed));
    }
    const owner = sender.bareJid;
    if (payload.name === 'block') {
      if (jids.length === 0) return sender.reply(stanzaError(iq, 'bad-request', { text: '<block/> needs at least one <item/>' }));
      const audience = (await this.client.peers(owner)).broadcast;
      const added = await this.client.block(owner, jids);
      sender.reply(iqResult(iq));
      // §3.3: a blocked contact that saw the user's presence now sees it go.
      for (const contact of audience.filter((jid) => isBlockedBy(added, jid))) await this.contacts.unavailable(owner, contact);
      return;
    }
    const removed = await this.client.unblock(owner, jids);
    sender.reply(iqResult(iq));
    const peers = await this.client.peers(owner);
    for (const contact of peers.broadcast.filter((jid) => isBlockedBy(removed, jid))) await this.contacts.current(owner, contact);
    for (const contact of peers.probe.filter((jid) => isBlockedBy(removed, jid))) await this.contacts.probeAll(contact, owner);
  }
}

export function blocklistXml(name: 'blocklist' | 'block' | 'unblock', jids: readonly string[]): Element {
  return xml(name, { xmlns: NS_BLOCKING }, ...jids.map((jid) => xml('item', { jid })));
}
