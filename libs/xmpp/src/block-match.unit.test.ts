import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockItemMatches, isBlockedBy } from './block-match.ts';

describe('block list matching (XEP-0191 §3, XEP-0016 §2.1)', () => {
  const cases: Array<[item: string, jid: string, matches: boolean]> = [
    ['romeo@montague.lit/orchard', 'romeo@montague.lit/orchard', true],
    ['romeo@montague.lit/orchard', 'romeo@montague.lit/balcony', false],
    ['romeo@montague.lit/orchard', 'romeo@montague.lit', false],
    ['romeo@montague.lit', 'romeo@montague.lit', true],
    ['romeo@montague.lit', 'romeo@montague.lit/orchard', true],
    ['romeo@montague.lit', 'mercutio@montague.lit', false],
    ['montague.lit/chat', 'montague.lit/chat', true],
    ['montague.lit/chat', 'romeo@montague.lit/chat', false],
    ['montague.lit', 'romeo@montague.lit/orchard', true],
    ['montague.lit', 'montague.lit', true],
    ['montague.lit', 'juliet@capulet.lit', false],
  ];
  for (const [item, jid, matches] of cases) {
    it(`${item} ${matches ? 'covers' : 'does not cover'} ${jid}`, () => {
      assert.equal(blockItemMatches(item, jid), matches);
    });
  }

  it('looks through the whole list', () => {
    assert.equal(isBlockedBy(['a@x', 'capulet.lit'], 'nurse@capulet.lit/kitchen'), true);
    assert.equal(isBlockedBy([], 'nurse@capulet.lit'), false);
  });
});
