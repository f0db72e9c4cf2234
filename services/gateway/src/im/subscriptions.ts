/**
 * The presence subscription handshake (RFC 6121 §3) between two accounts of this
 * domain: the sender's roster decides first (Appendix A.2: route or not), then the
 * recipient's (A.3: deliver, answer on the recipient's behalf, or drop). roster-sync
 * keeps both rosters and says which presence must follow; pushes reach the clients
 * through the roster event stream.
 */
import xml, { type Element } from '@xmpp/xml';
import type { Logger } from '@gatehouse/telemetry';
import type { ReplyOf } from '@gatehouse/events';
import { NS_CLIENT } from '@gatehouse/xmpp';
import type { AccountDirectory } from '../c2s/outbound.ts';
import type { ContactPresence } from './contact-presence.ts';
import { imError } from './im-errors.ts';
import type { RosterSyncClient, SubscriptionPresence } from './roster-sync-client.ts';

export const SUBSCRIPTION_TYPES: ReadonlySet<string> = new Set(['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed']);

/** A pending request is delivered again at each login: bigger payloads are not worth keeping. */
const MAX_KEPT_REQUEST = 8_192;

export class Subscriptions {
  constructor(
    private readonly client: RosterSyncClient,
    private readonly contacts: ContactPresence,
    private readonly accounts: AccountDirectory,
    private readonly logger: Logger,
  ) {}

  /** A subscription presence from `owner`'s session to `contact` (a bare JID of this domain). */
  async send(stanza: Element, owner: string, contact: string, reply: (stanza: Element) => void): Promise<void> {
    const type = stanza.attrs.type as SubscriptionPresence;
    // §3.1.2 and friends: stamped with the bare JIDs of both parties.
    stanza.attrs.from = owner;
    stanza.attrs.to = contact;
    if (contact === owner) return;
    let outcome: ReplyOf<'roster-sync.subscription.outbound'>;
    try {
      outcome = await this.client.outbound(owner, contact, type);
    } catch (error) {
      // A subscription presence the server cannot process (external roster: not-allowed) is bounced.
      reply(imError(stanza, error));
      return;
    }
    if (outcome.presence === 'unavailable') await this.contacts.unavailable(owner, contact);
    if (outcome.route) await this.receive(stanza, contact, owner, type);
    if (outcome.presence === 'available') await this.contacts.current(owner, contact);
  }

  /** The recipient's side: `owner` receives `type` from `contact`. */
  async receive(stanza: Element, owner: string, contact: string, type: SubscriptionPresence): Promise<void> {
    const exists = await this.accounts.exists(owner).catch((error: unknown) => {
      this.logger.warn({ err: error, owner }, 'could not ask whether an account exists; subscription presence dropped');
      return undefined;
    });
    if (exists === undefined) return;
    if (!exists) {
      // §3.1.3: a request to an account that does not exist is answered unsubscribed.
      if (type === 'subscribe') await this.receive(presence('unsubscribed', owner, contact), contact, owner, 'unsubscribed');
      return;
    }
    const serialised = withClientNamespace(stanza);
    const request = type === 'subscribe' ? (serialised.length <= MAX_KEPT_REQUEST ? serialised : presence('subscribe', contact, owner).toString()) : undefined;
    let outcome: ReplyOf<'roster-sync.subscription.inbound'>;
    try {
      outcome = await this.client.inbound(owner, contact, type, request);
    } catch (error) {
      this.logger.warn({ err: error, owner, contact, type }, 'could not process an inbound subscription presence');
      return;
    }
    if (outcome.presence === 'unavailable') await this.contacts.unavailable(owner, contact);
    // §3.1.3: with no available resource, a request stays pending and is delivered at the next login.
    if (outcome.deliver) await this.contacts.toAvailable(owner, serialised);
    if (outcome.autoReply) await this.receive(presence(outcome.autoReply, owner, contact), contact, owner, outcome.autoReply);
    if (outcome.presence === 'available') await this.contacts.current(owner, contact);
  }
}

function presence(type: SubscriptionPresence, from: string, to: string): Element {
  return xml('presence', { xmlns: NS_CLIENT, type, from, to });
}

function withClientNamespace(stanza: Element): string {
  if (!stanza.attrs.xmlns) stanza.attrs.xmlns = NS_CLIENT;
  return stanza.toString();
}
