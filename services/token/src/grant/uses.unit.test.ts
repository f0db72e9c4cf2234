import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActiveGrant } from './grant.ts';
import { GrantUses } from './uses.ts';

const grant = (grantId: string): ActiveGrant => ({
  status: 'active',
  grantId,
  createdAt: '2025-01-01T00:00:00.000Z',
  authenticatedBy: 'password',
  lastUsedAt: '2025-01-01T00:00:00.000Z',
  lastUsedBy: 'password',
});
const at = (day: number) => new Date(Date.UTC(2025, 1, day));

describe('GrantUses', () => {
  it("tells a noted use of the same grant, later than the stored one; the stored one otherwise", () => {
    const uses = new GrantUses();
    uses.note('alice@localhost', 'phone', 'g1', 'fast', at(2));
    assert.deepEqual(uses.lastUse('alice@localhost', 'phone', grant('g1')), { lastUsedAt: at(2).toISOString(), lastUsedBy: 'fast' });
    assert.deepEqual(uses.lastUse('alice@localhost', 'phone', grant('g2')), { lastUsedAt: '2025-01-01T00:00:00.000Z', lastUsedBy: 'password' });
  });

  it('keeps at most maxEntries, forgetting the least recently used first', () => {
    const uses = new GrantUses(2);
    uses.note('a@localhost', 'c', 'g1', 'password', at(1));
    uses.note('b@localhost', 'c', 'g1', 'password', at(2));
    uses.note('a@localhost', 'c', 'g1', 'fast', at(3));
    uses.note('c@localhost', 'c', 'g1', 'password', at(4));
    assert.equal(uses.size, 2);
    assert.equal(uses.lastUse('b@localhost', 'c', grant('g1')).lastUsedAt, '2025-01-01T00:00:00.000Z', 'b, used least recently, is forgotten');
    assert.equal(uses.lastUse('a@localhost', 'c', grant('g1')).lastUsedAt, at(3).toISOString());
    assert.equal(uses.lastUse('c@localhost', 'c', grant('g1')).lastUsedAt, at(4).toISOString());
  });
});
