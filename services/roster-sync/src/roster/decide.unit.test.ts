/** Roster items (RFC 6121 §2), the kept request (§3.1.3) and the external roster. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deciderSpec } from '@gatehouse/testing';
import type { RosterItem } from '@gatehouse/events';
import { BadRequestError, ItemNotFoundError, NotAcceptableError, NotAllowedError, ResourceConstraintError } from '../errors.ts';
import { decide, type RosterCommand } from './decide.ts';
import { evolve, initialState, rosterItems, type RosterFact, type RosterState } from './roster.ts';

const now = new Date('2025-03-01T12:00:00.000Z');
const time = now.toISOString();
const owner = 'juliet@capulet.lit';

const roster = deciderSpec<RosterCommand, RosterFact, RosterState>({
  decide: (command, state) => decide(command, state, { now, maxItems: 2 }),
  evolve,
  initialState,
});

const plain = (jid: string, extra: Partial<RosterItem> = {}): RosterItem => ({ jid, groups: [], subscription: 'none', ask: false, approved: false, ...extra });
const set = (version: number, item: RosterItem): RosterFact => ({ type: 'gatehouse.roster.item-set.v1', time, data: { owner, version, item } });
const setItem = (jid: string, name?: string, groups: string[] = []): RosterCommand => ({
  type: 'SetRosterItem',
  owner,
  item: { jid, ...(name === undefined ? {} : { name }), groups },
});

describe('roster decider: set (RFC 6121 §2.3, §2.4)', () => {
  it('adds a contact with subscription none and the next version', () => {
    roster.given([]).when(setItem('nurse@capulet.lit', 'Nurse', ['Servants'])).then([set(1, plain('nurse@capulet.lit', { name: 'Nurse', groups: ['Servants'] }))]);
  });

  it('changes name and groups, keeping the subscription', () => {
    const both = plain('nurse@capulet.lit', { subscription: 'both', name: 'Nurse' });
    const history: RosterFact[] = [
      set(1, plain('nurse@capulet.lit', { name: 'Nurse' })),
      { type: 'gatehouse.roster.subscription-changed.v1', time, data: { owner, version: 2, direction: 'inbound', presence: 'subscribed', item: both, onRoster: true, itemChanged: true, pendingIn: false } },
    ];
    roster.given(history).when(setItem('nurse@capulet.lit', undefined, ['Family'])).then([set(3, plain('nurse@capulet.lit', { subscription: 'both', groups: ['Family'] }))]);
  });

  it('decides nothing for a set that changes nothing', () => {
    roster.given([set(1, plain('nurse@capulet.lit', { name: 'Nurse' }))]).when(setItem('nurse@capulet.lit', 'Nurse')).then([]);
  });

  it('refuses the owner, empty and duplicate groups, and a full roster', () => {
    roster.given([]).when(setItem(owner)).thenThrows(NotAllowedError);
    roster.given([]).when(setItem('a@b.c', undefined, [''])).thenThrows(NotAcceptableError);
    roster.given([]).when(setItem('a@b.c', undefined, ['x', 'x'])).thenThrows(BadRequestError);
    roster.given([set(1, plain('a@b.c')), set(2, plain('d@e.f'))]).when(setItem('g@h.i')).thenThrows(ResourceConstraintError);
  });
});

describe('roster decider: remove (RFC 6121 §2.5)', () => {
  it('removes a contact with the next version', () => {
    roster
      .given([set(1, plain('nurse@capulet.lit'))])
      .when({ type: 'RemoveRosterItem', owner, jid: 'nurse@capulet.lit' })
      .then([{ type: 'gatehouse.roster.item-removed.v1', time, data: { owner, version: 2, jid: 'nurse@capulet.lit' } }]);
  });

  it('refuses a contact that is not on the roster (item-not-found)', () => {
    roster.given([]).when({ type: 'RemoveRosterItem', owner, jid: 'nurse@capulet.lit' }).thenThrows(ItemNotFoundError);
  });
});

describe('roster decider: a pending request is kept until answered (§3.1.3)', () => {
  const request = "<presence xmlns='jabber:client' type='subscribe' from='romeo@montague.lit'><status>hi</status></presence>";
  const receive = (presence: 'subscribe' | 'unsubscribe'): RosterCommand => ({ type: 'ReceiveSubscriptionPresence', owner, contact: 'romeo@montague.lit', presence, request });

  it('stores the request, keeps it across a repeated subscribe, drops it when withdrawn', () => {
    let state = initialState();
    for (const fact of decide(receive('subscribe'), state, { now, maxItems: 9 })) state = evolve(state, fact);
    assert.equal(state.contacts.get('romeo@montague.lit')?.request, request);
    assert.deepEqual(rosterItems(state), [], 'a request alone is not on the roster');
    assert.deepEqual(decide(receive('subscribe'), state, { now, maxItems: 9 }), []);
    for (const fact of decide(receive('unsubscribe'), state, { now, maxItems: 9 })) state = evolve(state, fact);
    assert.equal(state.contacts.has('romeo@montague.lit'), false);
  });
});

describe('roster decider: external roster (mod_http_roster_admin)', () => {
  const apply = (items: RosterItem[]): RosterCommand => ({ type: 'ApplyExternalRoster', owner, items });
  const marie = plain('marie@example.com', { name: 'Marie', subscription: 'both' });
  const michael = plain('michael@example.com', { name: 'Michael', subscription: 'both' });

  it('records a first fetch, even an empty one, so it is not fetched as new again', () => {
    roster.given([]).when(apply([])).then([{ type: 'gatehouse.roster.synced.v1', time, data: { owner, version: 0, set: [], removed: [] } }]);
  });

  it('stores only the differences, one version step per changed contact', () => {
    const first: RosterFact = { type: 'gatehouse.roster.synced.v1', time, data: { owner, version: 2, set: [marie, michael], removed: [] } };
    roster.given([]).when(apply([marie, michael])).then([first]);
    const renamed = { ...marie, name: 'Marie C.' };
    roster.given([first]).when(apply([renamed])).then([{ type: 'gatehouse.roster.synced.v1', time, data: { owner, version: 4, set: [renamed], removed: ['michael@example.com'] } }]);
    roster.given([first]).when(apply([michael, marie])).then([]);
  });
});

describe('roster decider: the account is deleted', () => {
  const forget = (deletedAt = time): RosterCommand => ({ type: 'ForgetRoster', owner, deletedAt });
  const pendingIn: RosterFact = {
    type: 'gatehouse.roster.subscription-changed.v1',
    time,
    data: { owner, version: 2, direction: 'inbound', presence: 'subscribe', item: plain('romeo@montague.lit'), onRoster: false, itemChanged: false, pendingIn: true },
  };

  it('empties the roster, pending requests included, one version step per contact a client saw', () => {
    const history = [set(1, plain('nurse@capulet.lit')), set(2, plain('tybalt@capulet.lit')), pendingIn];
    roster
      .given(history)
      .when(forget())
      .then([{ type: 'gatehouse.roster.cleared.v1', time, data: { owner, version: 4, removed: ['nurse@capulet.lit', 'tybalt@capulet.lit'], reason: 'account-deleted' } }]);
    let state = initialState();
    for (const fact of [...history, ...decide(forget(), state, { now, maxItems: 9 })]) state = evolve(state, fact);
    for (const fact of decide(forget(), state, { now, maxItems: 9 })) state = evolve(state, fact);
    assert.equal(state.contacts.size, 0);
    assert.equal(state.version, 4, 'versions keep growing, so a client of a new account of that name refetches');
  });

  it('decides nothing for an empty roster, or one changed after the deletion (a new account of that name)', () => {
    roster.given([]).when(forget()).then([]);
    roster.given([set(1, plain('nurse@capulet.lit'))]).when(forget('2025-03-01T11:59:59.000Z')).then([]);
  });
});

describe('events carrying a roster stored over the limits', () => {
  // 700 contacts of ~815 bytes: ~570 KB, over one event's budget (roster/event-chunks.ts).
  const jids = Array.from({ length: 700 }, (_, i) => `${String(i).padStart(3, '0')}${'c'.repeat(800)}@montague.lit`);
  const stored = jids.map((jid, i) => set(i + 1, plain(jid))).reduce(evolve, initialState());

  it('syncs a large difference in several events, each with the version it leads to', () => {
    const facts = decide({ type: 'ApplyExternalRoster', owner, items: [] }, stored, { now });
    assert.ok(facts.length >= 2);
    assert.deepEqual(facts.flatMap((fact) => (fact.type === 'gatehouse.roster.synced.v1' ? fact.data.removed : [])), jids);
    const after = facts.reduce(evolve, stored);
    assert.equal(after.version, 700 + 700);
    assert.equal(after.contacts.size, 0);
  });

  it('clears in parts: only the last part empties the roster, and a deletion cut short finishes on retry', () => {
    const deletedAt = new Date(now.getTime() + 1_000).toISOString();
    const facts = decide({ type: 'ForgetRoster', owner, deletedAt }, stored, { now });
    assert.ok(facts.length >= 2);
    assert.deepEqual(facts.map((fact) => fact.type === 'gatehouse.roster.cleared.v1' && fact.data.more === true), [...Array(facts.length - 1).fill(true), false]);
    assert.deepEqual(facts.reduce(evolve, stored), { ...initialState(), version: 1400, changedAt: time });
    const cutShort = evolve(stored, facts[0]!);
    const rest = decide({ type: 'ForgetRoster', owner, deletedAt }, cutShort, { now });
    assert.equal(rest.reduce(evolve, cutShort).contacts.size, 0);
  });
});
