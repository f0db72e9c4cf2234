import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteLru } from './cache.ts';

describe('ByteLru', () => {
  it('evicts the least recently used entries until the bytes fit', () => {
    const lru = new ByteLru<string>(10);
    lru.set('a', 'A', 4);
    lru.set('b', 'B', 4);
    assert.equal(lru.get('a'), 'A');
    lru.set('c', 'C', 4);
    assert.deepEqual([lru.get('a'), lru.get('b'), lru.get('c')], ['A', undefined, 'C']);
    lru.set('d', 'D', 9);
    assert.deepEqual([lru.size, lru.bytes, lru.get('d')], [1, 9, 'D']);
  });

  it('counts a replaced entry once, and does not keep one bigger than the budget', () => {
    const lru = new ByteLru<string>(10);
    lru.set('a', 'A', 4);
    lru.set('a', 'A2', 6);
    assert.deepEqual([lru.size, lru.bytes, lru.get('a')], [1, 6, 'A2']);
    lru.set('a', 'huge', 11);
    assert.deepEqual([lru.size, lru.bytes, lru.get('a')], [0, 0, undefined]);
  });
});
