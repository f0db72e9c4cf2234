/**
 * What one roster may hold, in bytes as well as in contacts: a roster is folded into
 * every replica's memory, answered in pages (@gatehouse/bus paging) and, when emptied or
 * synced, carried whole by one event, which must stay below NATS's max_payload.
 * RFC 6121 §2.3.3: a name or group "greater than a server-configured limit" is
 * `not-acceptable`; so, here, is an item with more groups than allowed (the client must
 * change the item). A roster with no room left is `resource-constraint`, as a roster
 * over ROSTER_MAX_ITEMS always was: the client makes room by removing contacts.
 */
import { jsonBytes } from '@gatehouse/bus';
import type { RosterItem } from '@gatehouse/events';
import { NotAcceptableError, ResourceConstraintError } from '../errors.ts';
import { rosterItem, type Contact, type RosterState } from './roster.ts';

export interface RosterLimits {
  /** ROSTER_MAX_ITEMS: contacts on one roster. */
  maxItems: number;
  /** ROSTER_MAX_BYTES: the roster's items as JSON, plus pending subscription requests kept. */
  maxBytes: number;
  /** ROSTER_MAX_GROUPS: groups of one item. */
  maxGroups: number;
  /** ROSTER_MAX_NAME_BYTES: UTF-8 bytes of an item's name and of each group name. */
  maxNameBytes: number;
}

export const defaultRosterLimits: RosterLimits = { maxItems: 2_000, maxBytes: 512 * 1024, maxGroups: 25, maxNameBytes: 1_023 };

const encoder = new TextEncoder();
const utf8Bytes = (text: string) => encoder.encode(text).length;

/** RFC 6121 §2.3.3: refuses an item whose name, group names or group count exceed the limits. */
export function checkItem(item: { name?: string; groups: readonly string[] }, { maxGroups, maxNameBytes }: RosterLimits): void {
  if (item.name !== undefined && utf8Bytes(item.name) > maxNameBytes) throw new NotAcceptableError(`an item's name is at most ${maxNameBytes} bytes`);
  if (item.groups.length > maxGroups) throw new NotAcceptableError(`an item is in at most ${maxGroups} groups`);
  if (item.groups.some((group) => utf8Bytes(group) > maxNameBytes)) throw new NotAcceptableError(`a group name is at most ${maxNameBytes} bytes`);
}

/** What a contact costs its owner's roster: its item if on the roster, its kept request. */
export function contactBytes(contact: Contact | undefined): number {
  if (!contact) return 0;
  return (contact.onRoster ? jsonBytes(rosterItem(contact)) : 0) + (contact.request === undefined ? 0 : utf8Bytes(contact.request));
}

const totals = new WeakMap<ReadonlyMap<string, Contact>, number>();

/** The roster's size as ROSTER_MAX_BYTES counts it; remembered per state, which evolve never mutates. */
export function rosterBytes(state: RosterState): number {
  let total = totals.get(state.contacts);
  if (total === undefined) {
    total = 0;
    for (const contact of state.contacts.values()) total += contactBytes(contact);
    totals.set(state.contacts, total);
  }
  return total;
}

/**
 * Refuses a change that grows the roster past ROSTER_MAX_BYTES. A change that does not
 * grow it passes, so a roster stored over the limit by an older version can still shrink.
 */
export function checkGrowth(state: RosterState, before: Contact | undefined, after: Contact | undefined, { maxBytes }: RosterLimits): void {
  const growth = contactBytes(after) - contactBytes(before);
  if (growth > 0 && rosterBytes(state) + growth > maxBytes) throw new ResourceConstraintError(`a roster holds at most ${maxBytes} bytes`);
}

/** Why the external web app's roster cannot be stored whole, or undefined when it can. */
export function externalRosterProblem(items: readonly RosterItem[], limits: RosterLimits): string | undefined {
  if (items.length > limits.maxItems) return `${items.length} contacts, more than ROSTER_MAX_ITEMS (${limits.maxItems})`;
  let bytes = 0;
  for (const item of items) {
    try {
      checkItem(item, limits);
    } catch (error) {
      return `${item.jid}: ${(error as Error).message}`;
    }
    bytes += jsonBytes(item);
  }
  return bytes > limits.maxBytes ? `${bytes} bytes, more than ROSTER_MAX_BYTES (${limits.maxBytes})` : undefined;
}
