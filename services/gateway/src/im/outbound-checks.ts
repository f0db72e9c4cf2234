/**
 * What outbound routing asks of the IM features before a stanza leaves for another
 * account: XEP-0191 blocking both ways, and the §4.6 directed presence record.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS_BLOCKING_ERRORS, stanzaError } from '@gatehouse/xmpp';
import type { RouteTable } from '../routing/route-table.ts';
import type { Blocklists } from './blocklists.ts';
import type { DirectedPresence } from './directed.ts';
import type { ImSender } from './sender.ts';

interface PlainSender {
  fullJid: string;
  bareJid: string;
  reply(stanza: Element): void;
}

/** The session id comes from the sender's route: every bound session has one. */
export function imSender(sender: PlainSender, table: RouteTable): ImSender {
  return { ...sender, sessionId: table.get(sender.fullJid)?.sessionId ?? '' };
}

/** True when blocking stops the stanza; the sender then got whatever answer is due. */
export function stoppedByBlocking(stanza: Element, sender: PlainSender, recipient: string, recipientBare: string, blocklists: Blocklists): boolean {
  const verdict = blocklists.verdict(sender, recipient, recipientBare);
  if (!verdict) return false;
  const type = stanza.attrs.type;
  // Presence is dropped silently, and an error or result is never answered (RFC 6120 §8.3.1).
  const answerable = stanza.name === 'message' ? type !== 'error' : stanza.name === 'iq' && (type === 'get' || type === 'set');
  if (!answerable) return true;
  if (verdict === 'sender-blocks') {
    // XEP-0191 §3.6: the user is told why.
    const error = stanzaError(stanza, 'not-acceptable');
    error.getChild('error')?.append(xml('blocked', { xmlns: NS_BLOCKING_ERRORS }));
    sender.reply(error);
  } else {
    // §3.5: the blocked entity learns nothing it could not learn from an absent user.
    sender.reply(stanzaError(stanza, 'service-unavailable'));
  }
  return true;
}

/** RFC 6121 §4.6.2: available presence sent outside subscriptions while available is remembered. */
export function recordDirected(stanza: Element, sender: ImSender, recipient: string, table: RouteTable, directed: DirectedPresence): void {
  const type = stanza.attrs.type;
  if (type === 'unavailable') directed.record(sender.sessionId, recipient, false);
  else if (type === undefined && table.get(sender.fullJid)?.available) directed.record(sender.sessionId, recipient, true);
}
