/** Roster limits (bounds.ts): RFC 6121 §2.3.3 not-acceptable per item, resource-constraint per roster. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deciderSpec } from '@gatehouse/testing';
import type { RosterItem } from '@gatehouse/events';
import { NotAcceptableError, ResourceConstraintError } from '../errors.ts';
import { defaultRosterLimits, externalRosterProblem, rosterBytes } from './bounds.ts';
import { decide, type RosterCommand } from './decide.ts';
import { evolve, initialState, type RosterFact, type RosterState } from './roster.ts';

const now = new Date('2025-03-01T12:00:00.000Z');
const time = now.toISOString();
const owner = 'juliet@capulet.lit';
const limits = { maxItems: 100, maxBytes: 4_000, maxGroups: 3, maxNameBytes: 20 };
const roster = deciderSpec<RosterCommand, RosterFact, RosterState>({ decide: (command, state) => decide(command, state, { now, ...limits }), evolve, initialState });

const plain = (jid: string, extra: Partial<RosterItem> = {}): RosterItem => ({ jid, groups: [], subscription: 'none', ask: false, approved: false, ...extra });
const set = (version: number, item: RosterItem): RosterFact => ({ type: 'gatehouse.roster.item-set.v1', time, data: { owner, version, item } });
const setItem = (jid: string, name: string | undefined, groups: string[]): RosterCommand => ({ type: 'SetRosterItem', owner, item: { jid, ...(name === undefined ? {} : { name }), groups } });

describe('roster bounds: one item (RFC 6121 §2.3.3)', () => {
  it('takes a name and groups up to the limits, counted in UTF-8 bytes', () => {
    roster.given([]).when(setItem('nurse@capulet.lit', 'n'.repeat(20), ['a', 'b', 'é'.repeat(10)])).then([set(1, plain('nurse@capulet.lit', { name: 'n'.repeat(20), groups: ['a', 'b', 'é'.repeat(10)] }))]);
  });

  it('refuses a name or a group name over ROSTER_MAX_NAME_BYTES with not-acceptable', () => {
    roster.given([]).when(setItem('nurse@capulet.lit', 'n'.repeat(21), [])).thenThrows(NotAcceptableError);
    roster.given([]).when(setItem('nurse@capulet.lit', undefined, ['é'.repeat(11)])).thenThrows(NotAcceptableError);
  });

  it('refuses more groups than ROSTER_MAX_GROUPS with not-acceptable', () => {
    roster.given([]).when(setItem('nurse@capulet.lit', undefined, ['a', 'b', 'c', 'd'])).thenThrows(NotAcceptableError);
  });

  it('applies the defaults when none are given: 25 groups of 1023 bytes', () => {
    const groups = Array.from({ length: 26 }, (_, i) => `${i}`.padEnd(1_000, 'g'));
    assert.throws(() => decide(setItem('nurse@capulet.lit', undefined, groups), initialState(), { now }), NotAcceptableError);
    assert.equal(decide(setItem('nurse@capulet.lit', undefined, groups.slice(0, 25)), initialState(), { now }).length, 1);
    assert.equal(defaultRosterLimits.maxBytes, 512 * 1024);
  });
});

describe('roster bounds: the whole roster (ROSTER_MAX_BYTES)', () => {
  const fill = (count: number): RosterFact[] => Array.from({ length: count }, (_, i) => set(i + 1, plain(`c${i}@capulet.lit`, { groups: ['g'.repeat(20)] })));

  it('refuses an item that grows the roster past the limit with resource-constraint', () => {
    const history = fill(36);
    const state = history.reduce(evolve, initialState());
    assert.ok(rosterBytes(state) < limits.maxBytes && rosterBytes(state) > limits.maxBytes - 200);
    roster.given(history).when(setItem('late@capulet.lit', undefined, ['g'.repeat(20), 'h'.repeat(20), 'i'.repeat(20)])).thenThrows(ResourceConstraintError);
  });

  it('lets a roster stored over the limit by older code shrink, never grow', () => {
    const history = fill(40);
    assert.ok(rosterBytes(history.reduce(evolve, initialState())) > limits.maxBytes);
    roster.given(history).when(setItem('c0@capulet.lit', undefined, [])).then([set(41, plain('c0@capulet.lit'))]);
    roster.given(history).when(setItem('c0@capulet.lit', 'longer name', ['g'.repeat(20)])).thenThrows(ResourceConstraintError);
  });

  it('counts a stranger\'s kept subscription request, so a flood of them is refused', () => {
    const request = `<presence type='subscribe'>${'x'.repeat(3_000)}</presence>`;
    const subscribe = (contact: string): RosterCommand => ({ type: 'ReceiveSubscriptionPresence', owner, contact, presence: 'subscribe', request });
    let state = initialState();
    for (const fact of decide(subscribe('romeo@montague.lit'), state, { now, ...limits })) state = evolve(state, fact);
    assert.throws(() => decide(subscribe('tybalt@capulet.lit'), state, { now, ...limits }), ResourceConstraintError);
  });
});

describe('roster bounds: the external roster', () => {
  it('names what is over the limits, or nothing', () => {
    assert.equal(externalRosterProblem([plain('a@b.c')], limits), undefined);
    assert.match(externalRosterProblem([plain('a@b.c', { groups: ['1', '2', '3', '4'] })], limits) ?? '', /a@b\.c: .*groups/);
    assert.match(externalRosterProblem(Array.from({ length: 101 }, (_, i) => plain(`${i}@b.c`)), limits) ?? '', /ROSTER_MAX_ITEMS/);
    assert.match(externalRosterProblem(Array.from({ length: 60 }, (_, i) => plain(`${i}@b.c`, { name: 'n'.repeat(20) })), limits) ?? '', /ROSTER_MAX_BYTES/);
  });
});
