import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grantIdSchema, sessionIdSchema } from '@gatehouse/events';
import { clientIdOf, eventId, grantIdOf, seededRandomId, seededUuid, sessionIdOf } from './ids.ts';
import { clientOwner, coldAccounts, contactsOf, firstColdAccount, rosterSample, spread, type SeedCounts } from './layout.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('seeded ids', () => {
  it('are the same for the same index, so a retried publish de-duplicates', () => {
    assert.equal(eventId('account', 7), eventId('account', 7));
    assert.equal(sessionIdOf(3), sessionIdOf(3));
  });

  it('differ by index, kind and part', () => {
    const ids = new Set([eventId('account', 1), eventId('account', 2), eventId('roster', 1), eventId('client', 1, 0), eventId('client', 1, 1), grantIdOf(1), sessionIdOf(1)]);
    assert.equal(ids.size, 7);
    const many = new Set(Array.from({ length: 10_000 }, (_, i) => eventId('account', i)));
    assert.equal(many.size, 10_000);
  });

  it('have the shapes the catalog requires', () => {
    assert.match(seededUuid('x'), UUID);
    assert.match(clientIdOf(1), UUID);
    assert.equal(sessionIdSchema.safeParse(sessionIdOf(1)).success, true);
    assert.equal(grantIdSchema.safeParse(grantIdOf(1)).success, true);
    assert.match(seededRandomId('y'), /^[A-Za-z0-9_-]{22}$/);
  });
});

describe('seed layout', () => {
  const counts: SeedCounts = { accounts: 1_000, rosters: 100, contacts: 50, clients: 200 };

  it('gives each roster distinct contacts, never its owner', () => {
    for (const owner of [0, 57, 99]) {
      const contacts = contactsOf(counts, owner);
      assert.equal(contacts.length, 50);
      assert.equal(new Set(contacts).size, 50);
      assert.ok(!contacts.includes(owner));
      assert.ok(contacts.every((c) => c >= 0 && c < counts.accounts));
    }
    // As many contacts as the other accounts: still distinct.
    assert.equal(new Set(contactsOf({ ...counts, accounts: 51 }, 3)).size, 50);
  });

  it('picks cold accounts no roster or client touched', () => {
    assert.equal(firstColdAccount(counts), 200);
    const cold = coldAccounts(counts, 200);
    assert.equal(new Set(cold).size, 200);
    const owners = new Set(Array.from({ length: counts.clients }, (_, k) => clientOwner(counts, k)));
    assert.ok(cold.every((a) => a >= counts.rosters && !owners.has(a) && a < counts.accounts));
    assert.equal(cold.at(-1), 996);
  });

  it('wraps clients round the accounts when there are more clients than accounts', () => {
    const few = { accounts: 10, rosters: 0, contacts: 0, clients: 25 };
    assert.equal(clientOwner(few, 23), 3);
    assert.equal(firstColdAccount(few), 10);
  });

  it('spreads samples over the whole range', () => {
    assert.deepEqual(spread(0, 10, 5), [0, 2, 4, 6, 8]);
    assert.deepEqual(rosterSample(counts, 4), [0, 25, 50, 75]);
    assert.throws(() => spread(0, 3, 4), RangeError);
  });
});
