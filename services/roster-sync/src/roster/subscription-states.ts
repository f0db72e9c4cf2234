/**
 * RFC 6121 Appendix A: the nine subscription states of a contact (A.1) and what each
 * subscription presence does to them, sent by the owner (A.2, "outbound") or received
 * from the contact (A.3, "inbound"), with pre-approval (§3.4) folded in.
 *
 * A.2 lists which outbound stanzas are routed. We route every outbound `subscribe` and
 * `unsubscribe` whatever the state, as §3.1.2 and §3.3.2 require ("the user's server
 * MUST ... locally deliver or remotely route the stanza"): the contact's side may be
 * out of step with ours, and its own table decides what the stanza does there.
 */
import type { Contact, Subscription } from './roster.ts';

export type SubscriptionPresence = 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed';
export type Direction = 'outbound' | 'inbound';

/** One contact's place in Appendix A, plus the §3.4 pre-approval flag. */
export interface SubscriptionState {
  subscription: Subscription;
  /** The owner asked to subscribe and the contact has not answered ("Pending Out"). */
  pendingOut: boolean;
  /** The contact asked to subscribe and the owner has not answered ("Pending In"). */
  pendingIn: boolean;
  /** The owner approved a subscription the contact has not asked for yet (§3.4). */
  approved: boolean;
}

export interface Transition {
  next: SubscriptionState;
  /** Outbound: route the stanza to the contact. Inbound: deliver it to the owner's resources. */
  pass: boolean;
  /** Inbound subscribe the owner's server answers itself (§3.1.3: already subscribed, or pre-approved). */
  autoReply?: 'subscribed';
}

const hasTo = (s: Subscription) => s === 'to' || s === 'both';
const hasFrom = (s: Subscription) => s === 'from' || s === 'both';
const withTo = (s: Subscription, to: boolean): Subscription => combine(to, hasFrom(s));
const withFrom = (s: Subscription, from: boolean): Subscription => combine(hasTo(s), from);
const combine = (to: boolean, from: boolean): Subscription => (to ? (from ? 'both' : 'to') : from ? 'from' : 'none');

export function transition(direction: Direction, presence: SubscriptionPresence, state: SubscriptionState): Transition {
  return direction === 'outbound' ? outbound(presence, state) : inbound(presence, state);
}

/** A.2: the owner sends the stanza. */
function outbound(presence: SubscriptionPresence, s: SubscriptionState): Transition {
  switch (presence) {
    case 'subscribe': // A.2.1: Pending Out, unless already subscribed to the contact.
      return { pass: true, next: hasTo(s.subscription) ? s : { ...s, pendingOut: true } };
    case 'unsubscribe': // A.2.2
      return { pass: true, next: { ...s, subscription: withTo(s.subscription, false), pendingOut: false } };
    case 'subscribed': // A.2.3 and §3.4
      if (s.pendingIn) return { pass: true, next: { ...s, subscription: withFrom(s.subscription, true), pendingIn: false, approved: false } };
      if (hasFrom(s.subscription)) return { pass: false, next: s };
      return { pass: false, next: { ...s, approved: true } };
    case 'unsubscribed': // A.2.4; in the states it leaves alone it cancels a pre-approval (note [1])
      if (s.pendingIn || hasFrom(s.subscription)) {
        return { pass: true, next: { ...s, subscription: withFrom(s.subscription, false), pendingIn: false, approved: false } };
      }
      return { pass: false, next: { ...s, approved: false } };
    default: {
      const unexpected: never = presence;
      throw new Error(`unhandled subscription presence ${String(unexpected)}`);
    }
  }
}

/** A.3: the contact sent the stanza to the owner. */
function inbound(presence: SubscriptionPresence, s: SubscriptionState): Transition {
  switch (presence) {
    case 'subscribe': // A.3.1 and §3.1.3
      if (hasFrom(s.subscription)) return { pass: false, next: s, autoReply: 'subscribed' };
      if (s.pendingIn) return { pass: false, next: s };
      if (s.approved) return { pass: false, next: { ...s, subscription: withFrom(s.subscription, true), approved: false }, autoReply: 'subscribed' };
      return { pass: true, next: { ...s, pendingIn: true } };
    case 'unsubscribe': // A.3.2
      if (!s.pendingIn && !hasFrom(s.subscription)) return { pass: false, next: s };
      return { pass: true, next: { ...s, subscription: withFrom(s.subscription, false), pendingIn: false } };
    case 'subscribed': // A.3.3
      if (!s.pendingOut) return { pass: false, next: s };
      return { pass: true, next: { ...s, subscription: withTo(s.subscription, true), pendingOut: false } };
    case 'unsubscribed': // A.3.4
      if (!s.pendingOut && !hasTo(s.subscription)) return { pass: false, next: s };
      return { pass: true, next: { ...s, subscription: withTo(s.subscription, false), pendingOut: false } };
    default: {
      const unexpected: never = presence;
      throw new Error(`unhandled subscription presence ${String(unexpected)}`);
    }
  }
}

/** The Appendix A.1 name of a state, e.g. "None + Pending Out+In" (tests and logs). */
export function stateName(s: Pick<SubscriptionState, 'subscription' | 'pendingOut' | 'pendingIn'>): string {
  const base = s.subscription.charAt(0).toUpperCase() + s.subscription.slice(1);
  const pending = s.pendingOut && s.pendingIn ? 'Out+In' : s.pendingOut ? 'Out' : s.pendingIn ? 'In' : '';
  return pending ? `${base} + Pending ${pending}` : base;
}

export { hasFrom, hasTo };

/**
 * RFC 6121 §2.5.2: what the owner's server sends a contact that leaves the roster (removed,
 * or its owner's account deleted): both subscriptions end, and a pending request is declined.
 */
export function farewellTo(contact: Contact): { unsubscribe: boolean; unsubscribed: boolean } {
  return { unsubscribe: hasTo(contact.subscription) || contact.ask, unsubscribed: hasFrom(contact.subscription) || contact.pendingIn };
}
