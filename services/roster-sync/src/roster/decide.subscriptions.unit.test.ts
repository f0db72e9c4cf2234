/**
 * The roster decider against every row of RFC 6121 Appendix A (A.2 outbound, A.3
 * inbound) and the §3.4 pre-approval rows: given a contact in each A.1 state, the
 * subscription presence decides the subscription-changed event the RFC implies, or
 * nothing when the state does not change.
 */
import { describe, it } from 'node:test';
import { deciderSpec } from '@gatehouse/testing';
import { decide, type RosterCommand } from './decide.ts';
import { evolve, initialState, type RosterFact, type RosterState } from './roster.ts';
import type { Direction, SubscriptionPresence, SubscriptionState } from './subscription-states.ts';
import { TABLES, state, type Row } from './appendix-a.fixture.ts';

const now = new Date('2025-03-01T12:00:00.000Z');
const time = now.toISOString();
const owner = 'juliet@capulet.lit';
const jid = 'romeo@montague.lit';
const request = "<presence xmlns='jabber:client' type='subscribe' from='romeo@montague.lit'/>";

const roster = deciderSpec<RosterCommand, RosterFact, RosterState>({
  decide: (command, current) => decide(command, current, { now, maxItems: 100 }),
  evolve,
  initialState,
});

const item = (s: SubscriptionState) => ({ jid, groups: [], subscription: s.subscription, ask: s.pendingOut, approved: s.approved });

/** A request alone ("None + Pending In") leaves the contact off the roster. */
const onRosterIn = (s: SubscriptionState) => !(s.subscription === 'none' && !s.pendingOut && s.pendingIn && !s.approved);

/** A contact in state `s`. */
function given(s: SubscriptionState): RosterFact[] {
  const onRoster = onRosterIn(s);
  return [
    {
      type: 'gatehouse.roster.subscription-changed.v1',
      time,
      data: { owner, version: 1, direction: 'inbound', presence: 'subscribe', item: item(s), onRoster, itemChanged: onRoster, pendingIn: s.pendingIn, ...(s.pendingIn ? { request } : {}) },
    },
  ];
}

function command(direction: Direction, presence: SubscriptionPresence): RosterCommand {
  return direction === 'outbound'
    ? { type: 'SendSubscriptionPresence', owner, contact: jid, presence }
    : { type: 'ReceiveSubscriptionPresence', owner, contact: jid, presence, ...(presence === 'subscribe' ? { request } : {}) };
}

function expected(before: SubscriptionState, after: SubscriptionState, direction: Direction, presence: SubscriptionPresence): RosterFact[] {
  const same = (a: SubscriptionState, b: SubscriptionState) =>
    a.subscription === b.subscription && a.pendingOut === b.pendingOut && a.approved === b.approved;
  if (same(before, after) && before.pendingIn === after.pendingIn) return [];
  const wasOnRoster = onRosterIn(before);
  const onRoster = wasOnRoster || after.subscription !== 'none' || after.pendingOut || after.approved;
  const itemChanged = onRoster && (!wasOnRoster || !same(before, after));
  const kept = after.pendingIn && !before.pendingIn ? { request } : {};
  return [
    {
      type: 'gatehouse.roster.subscription-changed.v1',
      time,
      data: { owner, version: itemChanged ? 2 : 1, direction, presence, item: item(after), onRoster, itemChanged, pendingIn: after.pendingIn, ...kept },
    },
  ];
}

for (const direction of ['outbound', 'inbound'] as const) {
  for (const [presence, rows] of Object.entries(TABLES[direction]) as [SubscriptionPresence, Row[]][]) {
    describe(`roster decider: ${direction} ${presence}`, () => {
      for (const [existing, , next] of rows) {
        it(`${existing} ${next === '=' ? 'stays' : `becomes ${next}`}`, () => {
          const before = state(existing);
          const after = next === '=' ? before : state(next);
          roster.given(given(before)).when(command(direction, presence)).then(expected(before, after, direction, presence));
        });
      }
    });
  }
}

describe('roster decider: pre-approval (RFC 6121 §3.4)', () => {
  for (const existing of ['None', 'None + Pending Out', 'To']) {
    it(`outbound subscribed pre-approves ${existing}`, () => {
      const before = state(existing);
      roster.given(given(before)).when(command('outbound', 'subscribed')).then(expected(before, state(existing, true), 'outbound', 'subscribed'));
    });

    it(`outbound unsubscribed cancels the pre-approval of ${existing}`, () => {
      const before = state(existing, true);
      roster.given(given(before)).when(command('outbound', 'unsubscribed')).then(expected(before, state(existing), 'outbound', 'unsubscribed'));
    });
  }

  const completed: Array<[string, string]> = [
    ['None', 'From'],
    ['None + Pending Out', 'From + Pending Out'],
    ['To', 'Both'],
  ];
  for (const [existing, next] of completed) {
    it(`an inbound subscribe completes the pre-approved ${existing} as ${next}`, () => {
      const before = state(existing, true);
      roster.given(given(before)).when(command('inbound', 'subscribe')).then(expected(before, state(next), 'inbound', 'subscribe'));
    });
  }

  it('pre-approves a contact that is not on the roster yet, adding it', () => {
    roster
      .given([])
      .when(command('outbound', 'subscribed'))
      .then([
        {
          type: 'gatehouse.roster.subscription-changed.v1',
          time,
          data: { owner, version: 1, direction: 'outbound', presence: 'subscribed', item: item(state('None', true)), onRoster: true, itemChanged: true, pendingIn: false },
        },
      ]);
  });
});

describe('roster decider: a stranger asking to subscribe', () => {
  const asked: RosterFact = {
    type: 'gatehouse.roster.subscription-changed.v1',
    time,
    data: { owner, version: 0, direction: 'inbound', presence: 'subscribe', item: item(state('None')), onRoster: false, itemChanged: false, pendingIn: true, request },
  };

  it('keeps the request off the roster and the version unchanged (§3.1.3)', () => {
    roster.given([]).when(command('inbound', 'subscribe')).then([asked]);
  });

  it('puts the contact on the roster when the owner approves', () => {
    roster
      .given([asked])
      .when(command('outbound', 'subscribed'))
      .then([
        {
          type: 'gatehouse.roster.subscription-changed.v1',
          time,
          data: { owner, version: 1, direction: 'outbound', presence: 'subscribed', item: item(state('From')), onRoster: true, itemChanged: true, pendingIn: false },
        },
      ]);
  });

  it('forgets the stranger once the owner declines', () => {
    const declined = decide(command('outbound', 'unsubscribed'), evolve(initialState(), asked), { now, maxItems: 100 });
    const after = declined.reduce(evolve, evolve(initialState(), asked));
    if (after.contacts.has(jid)) throw new Error('a declined stranger stays known');
  });
});
