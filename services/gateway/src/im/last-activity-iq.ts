/**
 * XEP-0012 §3 last activity of an account, answered by the server for its bare JID:
 * 0 seconds while it has an available resource, otherwise the time since its last
 * session ended, with the status of its last unavailable presence as the text. Only
 * the owner and contacts allowed to see its presence may ask.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS_LAST_ACTIVITY, iqResult, stanzaError } from '@gatehouse/xmpp';
import type { ContactPresence } from './contact-presence.ts';
import { imError } from './im-errors.ts';
import type { RosterSyncClient } from './roster-sync-client.ts';
import type { ImSender } from './sender.ts';

export class LastActivityIq {
  constructor(
    private readonly client: RosterSyncClient,
    private readonly contacts: ContactPresence,
    private readonly clock: () => number = Date.now,
  ) {}

  async handle(iq: Element, target: string, sender: ImSender): Promise<void> {
    if (iq.attrs.type !== 'get') return sender.reply(stanzaError(iq, 'bad-request'));
    let last: { at: string; status?: string } | undefined;
    try {
      last = await this.client.lastLogout(target, sender.bareJid);
    } catch (error) {
      return sender.reply(imError(iq, error));
    }
    // The asker is always online when it asks about itself, so "0 seconds" would tell it
    // nothing: as Prosody does, its own account answers from its last unavailable presence.
    const own = target === sender.bareJid;
    if ((!own || last === undefined) && this.contacts.availableRoutes(target).length > 0) return sender.reply(iqResult(iq, lastQuery(0)));
    if (last === undefined) return sender.reply(stanzaError(iq, 'item-not-found', { text: 'no session of this account has ended yet' }));
    sender.reply(iqResult(iq, lastQuery(Math.max(0, Math.floor((this.clock() - Date.parse(last.at)) / 1000)), last.status)));
  }
}

function lastQuery(seconds: number, status?: string): Element {
  return xml('query', { xmlns: NS_LAST_ACTIVITY, seconds: String(seconds) }, ...(status ? [status] : []));
}
