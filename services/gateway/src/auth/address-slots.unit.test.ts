import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AddressSlots } from './address-slots.ts';

describe('AddressSlots', () => {
  it('admits up to the cap per address, and again once one is released', () => {
    const slots = new AddressSlots(2);
    assert.equal(slots.tryAcquire('10.0.0.1'), true);
    assert.equal(slots.tryAcquire('10.0.0.1'), true);
    assert.equal(slots.tryAcquire('10.0.0.1'), false);
    assert.equal(slots.tryAcquire('10.0.0.2'), true, 'another address has its own slots');
    slots.release('10.0.0.1');
    assert.equal(slots.tryAcquire('10.0.0.1'), true);
  });

  it('forgets an address with nothing in progress', () => {
    const slots = new AddressSlots(1);
    slots.tryAcquire('a');
    slots.release('a');
    slots.release('a');
    assert.equal((slots as unknown as { inUse: Map<string, number> }).inUse.size, 0);
    assert.equal(slots.tryAcquire('a'), true);
  });
});
