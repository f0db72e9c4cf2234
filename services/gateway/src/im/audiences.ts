/**
 * Whom each local session's available presence reaches: its account's subscribers (RFC
 * 6121 §4.2.2, items with subscription 'from' or 'both'), as of its last broadcast and
 * kept current from the roster events every replica follows. When the account is deleted
 * its sessions end after roster-sync, reading the same deletion, may have dropped the
 * roster; the subscribers must still learn the sessions are gone (§4.5.2), so they are
 * taken from here, as Prosody takes them from the roster a session holds.
 */
import type { GatehouseEvent } from '@gatehouse/events';

export interface SubscriberChange {
  owner: string;
  subscribed: string[];
  unsubscribed: string[];
}

const isSubscriber = (subscription: string) => subscription === 'from' || subscription === 'both';

/**
 * What a roster event changes among the owner's subscribers. A roster cleared because the
 * account was deleted changes nothing here: that is the ending the audience is kept for.
 */
export function subscriberChange(event: GatehouseEvent): SubscriberChange | undefined {
  switch (event.type) {
    case 'gatehouse.roster.item-set.v1':
    case 'gatehouse.roster.subscription-changed.v1': {
      const { owner, item } = event.data;
      return isSubscriber(item.subscription) ? { owner, subscribed: [item.jid], unsubscribed: [] } : { owner, subscribed: [], unsubscribed: [item.jid] };
    }
    case 'gatehouse.roster.item-removed.v1':
      return { owner: event.data.owner, subscribed: [], unsubscribed: [event.data.jid] };
    case 'gatehouse.roster.synced.v1': {
      const { owner, set, removed } = event.data;
      return {
        owner,
        subscribed: set.filter((item) => isSubscriber(item.subscription)).map((item) => item.jid),
        unsubscribed: [...set.filter((item) => !isSubscriber(item.subscription)).map((item) => item.jid), ...removed],
      };
    }
    default:
      return undefined;
  }
}

export class PresenceAudiences {
  /** Owner (bare JID) → session id → the contacts its presence went to. */
  private readonly byOwner = new Map<string, Map<string, Set<string>>>();

  /** The session broadcast its presence to these contacts. */
  told(owner: string, sessionId: string, contacts: readonly string[]): void {
    const sessions = this.byOwner.get(owner) ?? new Map<string, Set<string>>();
    sessions.set(sessionId, new Set(contacts));
    this.byOwner.set(owner, sessions);
  }

  apply({ owner, subscribed, unsubscribed }: SubscriberChange): void {
    for (const contacts of this.byOwner.get(owner)?.values() ?? []) {
      for (const jid of subscribed) contacts.add(jid);
      for (const jid of unsubscribed) contacts.delete(jid);
    }
  }

  /** The session's audience, forgotten as it is taken. */
  take(owner: string, sessionId: string): string[] {
    const sessions = this.byOwner.get(owner);
    const contacts = sessions?.get(sessionId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.byOwner.delete(owner);
    return contacts ? [...contacts] : [];
  }
}
