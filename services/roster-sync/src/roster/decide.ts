import type { RosterItem } from '@gatehouse/events';
import { changedSinceDeletion } from '../account/new-account.ts';
import { BadRequestError, ItemNotFoundError, NotAcceptableError, NotAllowedError, ResourceConstraintError } from '../errors.ts';
import { checkGrowth, checkItem, defaultRosterLimits, type RosterLimits } from './bounds.ts';
import { chunksOf } from './event-chunks.ts';
import { newContact, rosterItem, type Contact, type RosterFact, type RosterState } from './roster.ts';
import { transition, type Direction, type SubscriptionPresence, type SubscriptionState } from './subscription-states.ts';

/** RFC 6121 §2.3: the owner adds a contact or changes its name or groups. */
export interface SetRosterItem {
  type: 'SetRosterItem';
  owner: string;
  item: { jid: string; name?: string; groups: string[] };
}

/** RFC 6121 §2.5: the owner removes a contact. */
export interface RemoveRosterItem {
  type: 'RemoveRosterItem';
  owner: string;
  jid: string;
}

/** RFC 6121 §3, Appendix A.2: the owner sends a subscription presence to a contact. */
export interface SendSubscriptionPresence {
  type: 'SendSubscriptionPresence';
  owner: string;
  contact: string;
  presence: SubscriptionPresence;
}

/** RFC 6121 §3, Appendix A.3: a contact's subscription presence reaches the owner. */
export interface ReceiveSubscriptionPresence {
  type: 'ReceiveSubscriptionPresence';
  owner: string;
  contact: string;
  presence: SubscriptionPresence;
  /** The subscribe stanza (XML), kept while the request is pending. */
  request?: string;
}

/** External mode: the roster the web app returned (fetched before deciding, so `decide` stays pure). */
export interface ApplyExternalRoster {
  type: 'ApplyExternalRoster';
  owner: string;
  items: RosterItem[];
}

/** The account was deleted: its roster goes, with every subscription and pending request. */
export interface ForgetRoster {
  type: 'ForgetRoster';
  owner: string;
  /** When the account was deleted (RFC 3339). */
  deletedAt: string;
}

export type RosterCommand = SetRosterItem | RemoveRosterItem | SendSubscriptionPresence | ReceiveSubscriptionPresence | ApplyExternalRoster | ForgetRoster;

/** `now`, and the roster limits (bounds.ts); those left out are the defaults. */
export type RosterDecisionContext = { now: Date } & Partial<RosterLimits>;

export function decide(command: RosterCommand, state: RosterState, { now, ...given }: RosterDecisionContext): RosterFact[] {
  const limits = { ...defaultRosterLimits, ...given };
  const { maxItems } = limits;
  const time = now.toISOString();
  const owner = command.owner;
  switch (command.type) {
    case 'SetRosterItem': {
      const { jid, name, groups } = command.item;
      if (jid === owner) throw new NotAllowedError('a roster cannot hold its own owner');
      if (groups.some((group) => group === '')) throw new NotAcceptableError('a group name cannot be empty');
      if (new Set(groups).size !== groups.length) throw new BadRequestError('the same group is listed twice');
      const known = state.contacts.get(jid);
      if (known?.onRoster && known.name === name && sameList(known.groups, groups)) return [];
      checkItem(command.item, limits);
      if (!known?.onRoster && onRosterCount(state) >= maxItems) throw new ResourceConstraintError(`a roster holds at most ${maxItems} contacts`);
      const item = { ...rosterItem(known ?? newContact(jid)), groups };
      if (name === undefined) delete item.name;
      else item.name = name;
      checkGrowth(state, known, { ...(known ?? newContact(jid)), ...item, onRoster: true }, limits);
      return [{ type: 'gatehouse.roster.item-set.v1', time, data: { owner, version: state.version + 1, item } }];
    }
    case 'RemoveRosterItem':
      if (!state.contacts.get(command.jid)?.onRoster) throw new ItemNotFoundError(`${command.jid} is not on the roster`);
      return [{ type: 'gatehouse.roster.item-removed.v1', time, data: { owner, version: state.version + 1, jid: command.jid } }];
    case 'SendSubscriptionPresence':
      return subscriptionChange(state, owner, command.contact, 'outbound', command.presence, undefined, time, limits);
    case 'ReceiveSubscriptionPresence':
      return subscriptionChange(state, owner, command.contact, 'inbound', command.presence, command.request, time, limits);
    case 'ApplyExternalRoster':
      return externalRoster(state, owner, command.items, time);
    case 'ForgetRoster': {
      if (state.contacts.size === 0 || changedSinceDeletion(state, command.deletedAt)) return [];
      const removed = [...state.contacts.values()].filter((contact) => contact.onRoster).map((contact) => contact.jid);
      const chunks = chunksOf(removed);
      if (chunks.length === 0) chunks.push([]);
      // One version per contact a client saw go, as a sync's removals count.
      let version = state.version;
      return chunks.map((chunk, i) => {
        version += chunk.length;
        const more = i < chunks.length - 1 ? { more: true as const } : {};
        return { type: 'gatehouse.roster.cleared.v1', time, data: { owner, version, removed: chunk, reason: 'account-deleted', ...more } };
      });
    }
    default: {
      const unexpected: never = command;
      throw new Error(`unhandled roster command ${JSON.stringify(unexpected)}`);
    }
  }
}

export function subscriptionStateOf(contact: Contact | undefined): SubscriptionState {
  const c = contact ?? newContact('');
  return { subscription: c.subscription, pendingOut: c.ask, pendingIn: c.pendingIn, approved: c.approved };
}

function subscriptionChange(
  state: RosterState,
  owner: string,
  jid: string,
  direction: Direction,
  presence: SubscriptionPresence,
  request: string | undefined,
  time: string,
  limits: RosterLimits,
): RosterFact[] {
  const known = state.contacts.get(jid) ?? newContact(jid);
  const before = subscriptionStateOf(known);
  const { next } = transition(direction, presence, before);
  if (sameState(before, next)) return [];
  const item = { ...rosterItem(known), subscription: next.subscription, ask: next.pendingOut, approved: next.approved };
  // RFC 6121 §3.1.3: a request alone does not put the requester on the roster.
  const onRoster = known.onRoster || next.subscription !== 'none' || next.pendingOut || next.approved;
  const itemChanged = onRoster && (!known.onRoster || !sameState({ ...before, pendingIn: false }, { ...next, pendingIn: false }));
  const version = itemChanged ? state.version + 1 : state.version;
  const kept = next.pendingIn && request !== undefined && !before.pendingIn ? { request } : {};
  // A stranger's requests are kept too: they count, or subscribe floods would fill memory.
  const after: Contact | undefined = onRoster || next.pendingIn ? { ...item, onRoster, pendingIn: next.pendingIn, ...(next.pendingIn ? { request: kept.request ?? known.request } : {}) } : undefined;
  checkGrowth(state, state.contacts.get(jid), after, limits);
  return [
    {
      type: 'gatehouse.roster.subscription-changed.v1',
      time,
      data: { owner, version, direction, presence, item, onRoster, itemChanged, pendingIn: next.pendingIn, ...kept },
    },
  ];
}

function externalRoster(state: RosterState, owner: string, items: RosterItem[], time: string): RosterFact[] {
  const wanted = new Map(items.map((item) => [item.jid, item]));
  const set = items.filter((item) => {
    const known = state.contacts.get(item.jid);
    return !known?.onRoster || !sameItem(rosterItem(known), item);
  });
  const removed = [...state.contacts.values()].filter((c) => c.onRoster && !wanted.has(c.jid)).map((c) => c.jid);
  if (state.synced && set.length === 0 && removed.length === 0) return [];
  const changes = chunksOf<{ set: RosterItem } | { removed: string }>([...set.map((item) => ({ set: item })), ...removed.map((jid) => ({ removed: jid }))]);
  // The first fetch is recorded even when it changes nothing.
  if (changes.length === 0) changes.push([]);
  let version = state.version;
  return changes.map((chunk) => {
    version += chunk.length;
    const data = { owner, version, set: chunk.flatMap((change) => ('set' in change ? [change.set] : [])), removed: chunk.flatMap((change) => ('removed' in change ? [change.removed] : [])) };
    return { type: 'gatehouse.roster.synced.v1', time, data };
  });
}

function onRosterCount(state: RosterState): number {
  let count = 0;
  for (const contact of state.contacts.values()) if (contact.onRoster) count++;
  return count;
}

function sameState(a: SubscriptionState, b: SubscriptionState): boolean {
  return a.subscription === b.subscription && a.pendingOut === b.pendingOut && a.pendingIn === b.pendingIn && a.approved === b.approved;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function sameItem(a: RosterItem, b: RosterItem): boolean {
  return a.name === b.name && sameList(a.groups, b.groups) && a.subscription === b.subscription && a.ask === b.ask && a.approved === b.approved;
}
