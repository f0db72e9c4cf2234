import type { Event, RosterEvent, RosterItem } from '@gatehouse/events';

/**
 * A roster event as the decider sees it: what happened and when (the envelope's routing
 * fields are the store's business). A stored envelope is structurally one of these.
 */
type Fact<E> = E extends Event<infer Type, infer Data> ? { type: Type; time: string; data: Data } : never;
export type RosterFact = Fact<RosterEvent>;

export type Subscription = RosterItem['subscription'];

/** Everything the owner's server knows about one contact. */
export interface Contact extends RosterItem {
  /** RFC 6121 keeps someone who merely asked to subscribe off the roster ("None + Pending In"). */
  onRoster: boolean;
  pendingIn: boolean;
  /** The subscribe presence (XML) to deliver again at each login while the request is pending. */
  request?: string;
}

/**
 * One account's roster. Conventions §4 put a `status` union on aggregate states; a
 * roster has no lifecycle of its own (every account has one, empty until used), so
 * there is nothing for such a union to tell apart.
 */
export interface RosterState {
  /** RFC 6121 §2.6 roster version: grows with every change a client can see. */
  version: number;
  contacts: ReadonlyMap<string, Contact>;
  /** External mode: the web app's roster has been fetched at least once. */
  synced: boolean;
  /** Time of the last change: tells a new account of a deleted name (account/new-account.ts). */
  changedAt?: string;
}

export function initialState(): RosterState {
  return { version: 0, contacts: new Map(), synced: false };
}

export function newContact(jid: string): Contact {
  return { jid, groups: [], subscription: 'none', ask: false, approved: false, onRoster: false, pendingIn: false };
}

/** The item as RFC 6121 §2.1 shows it to clients. */
export function rosterItem(contact: Contact): RosterItem {
  const { jid, name, groups, subscription, ask, approved } = contact;
  return { jid, ...(name === undefined ? {} : { name }), groups, subscription, ask, approved };
}

export function rosterItems(state: RosterState): RosterItem[] {
  return [...state.contacts.values()].filter((contact) => contact.onRoster).map(rosterItem);
}

export function evolve(state: RosterState, event: RosterFact): RosterState {
  // A clear in several parts keeps the time of the last change until its final part, so a
  // deletion retried after a crash between the parts still finishes (account/new-account.ts).
  if (event.type === 'gatehouse.roster.cleared.v1' && event.data.more) return changed(state, event);
  return { ...changed(state, event), changedAt: event.time };
}

function changed(state: RosterState, event: RosterFact): RosterState {
  const contacts = new Map(state.contacts);
  switch (event.type) {
    case 'gatehouse.roster.item-set.v1': {
      const { jid, name, groups } = event.data.item;
      const contact: Contact = { ...(contacts.get(jid) ?? newContact(jid)), groups, onRoster: true };
      if (name === undefined) delete contact.name;
      else contact.name = name;
      contacts.set(jid, contact);
      return { ...state, contacts, version: event.data.version };
    }
    case 'gatehouse.roster.item-removed.v1':
      contacts.delete(event.data.jid);
      return { ...state, contacts, version: event.data.version };
    case 'gatehouse.roster.subscription-changed.v1': {
      const { item, onRoster, pendingIn, request } = event.data;
      const kept = pendingIn ? (request ?? contacts.get(item.jid)?.request) : undefined;
      // Someone whose request was answered or withdrawn, and who is not on the roster, is forgotten.
      if (!onRoster && !pendingIn) contacts.delete(item.jid);
      else contacts.set(item.jid, { ...item, onRoster, pendingIn, ...(kept === undefined ? {} : { request: kept }) });
      return { ...state, contacts, version: event.data.version };
    }
    case 'gatehouse.roster.synced.v1': {
      for (const jid of event.data.removed) contacts.delete(jid);
      for (const item of event.data.set) {
        const known = contacts.get(item.jid);
        contacts.set(item.jid, { ...item, onRoster: true, pendingIn: known?.pendingIn ?? false, ...(known?.request ? { request: known.request } : {}) });
      }
      return { ...state, contacts, version: event.data.version, synced: true };
    }
    case 'gatehouse.roster.cleared.v1':
      if (event.data.more) {
        for (const jid of event.data.removed) contacts.delete(jid);
        return { ...state, contacts, version: event.data.version };
      }
      return { ...initialState(), version: event.data.version };
    default: {
      const unexpected: never = event;
      throw new Error(`unhandled roster event ${JSON.stringify(unexpected)}`);
    }
  }
}
