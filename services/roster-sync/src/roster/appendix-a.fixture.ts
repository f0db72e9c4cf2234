/**
 * RFC 6121 Appendix A as data, shared by the transition tests and the decider tests:
 * the nine A.1 states and, per direction and presence type, each row of A.2 / A.3.
 */
import type { Direction, SubscriptionPresence, SubscriptionState } from './subscription-states.ts';

export const STATES: Record<string, Omit<SubscriptionState, 'approved'>> = {
  None: { subscription: 'none', pendingOut: false, pendingIn: false },
  'None + Pending Out': { subscription: 'none', pendingOut: true, pendingIn: false },
  'None + Pending In': { subscription: 'none', pendingOut: false, pendingIn: true },
  'None + Pending Out+In': { subscription: 'none', pendingOut: true, pendingIn: true },
  To: { subscription: 'to', pendingOut: false, pendingIn: false },
  'To + Pending In': { subscription: 'to', pendingOut: false, pendingIn: true },
  From: { subscription: 'from', pendingOut: false, pendingIn: false },
  'From + Pending Out': { subscription: 'from', pendingOut: true, pendingIn: false },
  Both: { subscription: 'both', pendingOut: false, pendingIn: false },
};

/** [existing state, routed (outbound) / delivered (inbound), new state ('=' for no change)] */
export type Row = [string, boolean, string];

export const TABLES: Record<Direction, Record<SubscriptionPresence, Row[]>> = {
  outbound: {
    // A.2.1; routed whatever the state (§3.1.2).
    subscribe: [
      ['None', true, 'None + Pending Out'],
      ['None + Pending Out', true, '='],
      ['None + Pending In', true, 'None + Pending Out+In'],
      ['None + Pending Out+In', true, '='],
      ['To', true, '='],
      ['To + Pending In', true, '='],
      ['From', true, 'From + Pending Out'],
      ['From + Pending Out', true, '='],
      ['Both', true, '='],
    ],
    // A.2.2; routed whatever the state (§3.3.2).
    unsubscribe: [
      ['None', true, '='],
      ['None + Pending Out', true, 'None'],
      ['None + Pending In', true, '='],
      ['None + Pending Out+In', true, 'None + Pending In'],
      ['To', true, 'None'],
      ['To + Pending In', true, 'None + Pending In'],
      ['From', true, '='],
      ['From + Pending Out', true, 'From'],
      ['Both', true, 'From'],
    ],
    // A.2.3; the unrouted None / None + Pending Out / To rows pre-approve (§3.4), see below.
    subscribed: [
      ['None + Pending In', true, 'From'],
      ['None + Pending Out+In', true, 'From + Pending Out'],
      ['To + Pending In', true, 'Both'],
      ['From', false, '='],
      ['From + Pending Out', false, '='],
      ['Both', false, '='],
    ],
    // A.2.4
    unsubscribed: [
      ['None', false, '='],
      ['None + Pending Out', false, '='],
      ['None + Pending In', true, 'None'],
      ['None + Pending Out+In', true, 'None + Pending Out'],
      ['To', false, '='],
      ['To + Pending In', true, 'To'],
      ['From', true, 'None'],
      ['From + Pending Out', true, 'None + Pending Out'],
      ['Both', true, 'To'],
    ],
  },
  inbound: {
    // A.3.1; the From / From + Pending Out / Both rows are answered 'subscribed' by the server.
    subscribe: [
      ['None', true, 'None + Pending In'],
      ['None + Pending Out', true, 'None + Pending Out+In'],
      ['None + Pending In', false, '='],
      ['None + Pending Out+In', false, '='],
      ['To', true, 'To + Pending In'],
      ['To + Pending In', false, '='],
      ['From', false, '='],
      ['From + Pending Out', false, '='],
      ['Both', false, '='],
    ],
    // A.3.2
    unsubscribe: [
      ['None', false, '='],
      ['None + Pending Out', false, '='],
      ['None + Pending In', true, 'None'],
      ['None + Pending Out+In', true, 'None + Pending Out'],
      ['To', false, '='],
      ['To + Pending In', true, 'To'],
      ['From', true, 'None'],
      ['From + Pending Out', true, 'None + Pending Out'],
      ['Both', true, 'To'],
    ],
    // A.3.3
    subscribed: [
      ['None', false, '='],
      ['None + Pending Out', true, 'To'],
      ['None + Pending In', false, '='],
      ['None + Pending Out+In', true, 'To + Pending In'],
      ['To', false, '='],
      ['To + Pending In', false, '='],
      ['From', false, '='],
      ['From + Pending Out', true, 'Both'],
      ['Both', false, '='],
    ],
    // A.3.4
    unsubscribed: [
      ['None', false, '='],
      ['None + Pending Out', true, 'None'],
      ['None + Pending In', false, '='],
      ['None + Pending Out+In', true, 'None + Pending In'],
      ['To', true, 'None'],
      ['To + Pending In', true, 'None + Pending In'],
      ['From', false, '='],
      ['From + Pending Out', true, 'From'],
      ['Both', true, 'From'],
    ],
  },
};

export const state = (name: string, approved = false): SubscriptionState => ({ ...STATES[name]!, approved });
