import type { Element } from '@xmpp/xml';

/** A bound local session sending a stanza, as the IM features see it. */
export interface ImSender {
  fullJid: string;
  bareJid: string;
  /** The session id behind the full JID's route (for interest and directed presence). */
  sessionId: string;
  reply(stanza: Element): void;
}
