import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, newContact, type RosterState } from './roster.ts';
import { rosterStateJson } from './store.ts';

describe('roster state as a snapshot holds it', () => {
  const roster: RosterState = {
    version: 7,
    synced: true,
    changedAt: '2025-03-01T12:00:00.000Z',
    contacts: new Map([
      ['juliet@capulet.lit', { ...newContact('juliet@capulet.lit'), name: 'Juliet', groups: ['Friends'], subscription: 'both', onRoster: true }],
      ['nurse@capulet.lit', { ...newContact('nurse@capulet.lit'), pendingIn: true, request: "<presence type='subscribe'/>" }],
      // Longer than the catalog allows today, as an older version may have stored it.
      [`${'x'.repeat(4_000)}@capulet.lit`, { ...newContact(`${'x'.repeat(4_000)}@capulet.lit`), groups: Array.from({ length: 300 }, (_, i) => `g${i}`), onRoster: true }],
    ]),
  };
  const roundTrip = (state: RosterState) => rosterStateJson.fromJSON(JSON.parse(JSON.stringify(rosterStateJson.toJSON(state))));

  it('reads back what it wrote, contacts in order, optional fields only where set', () => {
    const read = roundTrip(roster);
    assert.deepEqual(read, roster);
    assert.deepEqual([...read.contacts.keys()], [...roster.contacts.keys()]);
    assert.equal('name' in read.contacts.get('nurse@capulet.lit')!, false);
    assert.deepEqual(roundTrip(initialState()), initialState());
  });

  it('refuses what is not a roster, so the snapshot is ignored and the stream read instead', () => {
    assert.throws(() => rosterStateJson.fromJSON({ version: 1, contacts: {}, synced: false }));
    assert.throws(() => rosterStateJson.fromJSON({ version: 1, contacts: [{ jid: 'a@b' }], synced: false }));
  });
});
