import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillPage, jsonBytes, PageExpiredError, pageOf } from './paging.ts';

describe('fillPage', () => {
  it('takes items while their JSON array fits the budget', () => {
    const items = ['aaaa', 'bbbb', 'cccc'];
    const budget = jsonBytes(items.slice(0, 2));
    assert.deepEqual(fillPage(items, 0, budget), { items: ['aaaa', 'bbbb'], end: 2 });
    assert.deepEqual(fillPage(items, 2, budget), { items: ['cccc'], end: 3 });
    for (let size = 2; size < 40; size++) assert.ok(jsonBytes(fillPage(items, 0, size).items) <= size);
  });

  it('skips an item no page can hold and reports it, serving the rest', () => {
    const oversize: unknown[] = [];
    const page = fillPage(['a', 'x'.repeat(100), 'b'], 0, 20, (item) => oversize.push(item));
    assert.deepEqual(page, { items: ['a', 'b'], end: 3 });
    assert.deepEqual(oversize, ['x'.repeat(100)]);
  });

  it('measures UTF-8 bytes, not characters', () => {
    const page = fillPage(['é'.repeat(10), 'é'.repeat(10)], 0, 30);
    assert.equal(page.items.length, 1);
  });
});

describe('pageOf', () => {
  const items = Array.from({ length: 10 }, (_, i) => `item-${i}`);

  it('pages through the whole list with version:offset cursors', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = pageOf(items, { version: 7, cursor, budget: 40 });
      seen.push(...page.items);
      cursor = page.next;
    } while (cursor !== undefined);
    assert.deepEqual(seen, items);
  });

  it('refuses a cursor of another version or a garbled one', () => {
    const first = pageOf(items, { version: 7, cursor: undefined, budget: 40 });
    assert.ok(first.next);
    assert.throws(() => pageOf(items, { version: 8, cursor: first.next, budget: 40 }), PageExpiredError);
    assert.throws(() => pageOf(items, { version: 7, cursor: '7:-1', budget: 40 }), PageExpiredError);
    assert.throws(() => pageOf(items, { version: 7, cursor: 'nonsense', budget: 40 }), PageExpiredError);
  });

  it('answers one page without a cursor when everything fits', () => {
    assert.deepEqual(pageOf(items, { version: 1, cursor: undefined, budget: 10_000 }), { items });
  });
});
