import { describe, it } from 'node:test';
import { deciderSpec } from '@gatehouse/testing';
import { BadRequestError, ResourceConstraintError } from '../errors.ts';
import { evolve, initialState, type BlocklistFact, type BlocklistState } from './blocklist.ts';
import { decide, type BlocklistCommand } from './decide.ts';

const now = new Date('2025-03-01T12:00:00.000Z');
const time = now.toISOString();
const owner = 'juliet@capulet.lit';
const blocklist = deciderSpec<BlocklistCommand, BlocklistFact, BlocklistState>({ decide: (c, s) => decide(c, s, now), evolve, initialState });

const blocked = (...jids: string[]): BlocklistFact => ({ type: 'gatehouse.blocklist.blocked.v1', time, data: { owner, jids } });
const unblocked = (all: boolean, ...jids: string[]): BlocklistFact => ({ type: 'gatehouse.blocklist.unblocked.v1', time, data: { owner, jids, all } });

describe('block list decider (XEP-0191)', () => {
  it('blocks only what is not blocked yet, once each', () => {
    blocklist.given([]).when({ type: 'BlockJids', owner, jids: ['tybalt@capulet.lit', 'tybalt@capulet.lit'] }).then([blocked('tybalt@capulet.lit')]);
    blocklist.given([blocked('tybalt@capulet.lit')]).when({ type: 'BlockJids', owner, jids: ['tybalt@capulet.lit', 'paris@verona.lit'] }).then([blocked('paris@verona.lit')]);
    blocklist.given([blocked('tybalt@capulet.lit')]).when({ type: 'BlockJids', owner, jids: ['tybalt@capulet.lit'] }).then([]);
  });

  it('refuses a block without items (§3.3: bad-request)', () => {
    blocklist.given([]).when({ type: 'BlockJids', owner, jids: [] }).thenThrows(BadRequestError);
  });

  it('unblocks what is blocked, or everything for an empty unblock (§3.4)', () => {
    const history = [blocked('tybalt@capulet.lit', 'paris@verona.lit')];
    blocklist.given(history).when({ type: 'UnblockJids', owner, jids: ['paris@verona.lit', 'nobody@x.y'] }).then([unblocked(false, 'paris@verona.lit')]);
    blocklist.given(history).when({ type: 'UnblockJids', owner, jids: [] }).then([unblocked(true, 'tybalt@capulet.lit', 'paris@verona.lit')]);
    blocklist.given([]).when({ type: 'UnblockJids', owner, jids: [] }).then([]);
  });
});

describe('block list decider: the account is deleted', () => {
  it('unblocks everyone, unless the list changed after the deletion (a new account of that name)', () => {
    const history = [blocked('tybalt@capulet.lit', 'paris@verona.lit')];
    blocklist.given(history).when({ type: 'ForgetBlocklist', owner, deletedAt: time }).then([unblocked(true, 'tybalt@capulet.lit', 'paris@verona.lit')]);
    blocklist.given(history).when({ type: 'ForgetBlocklist', owner, deletedAt: '2025-03-01T11:00:00.000Z' }).then([]);
    blocklist.given([]).when({ type: 'ForgetBlocklist', owner, deletedAt: time }).then([]);
  });
});

describe('block list decider: bounds', () => {
  const limits = { maxItems: 3, maxBytes: 60 };
  const bounded = deciderSpec<BlocklistCommand, BlocklistFact, BlocklistState>({ decide: (c, s) => decide(c, s, now, limits), evolve, initialState });

  it('refuses a block past BLOCKLIST_MAX_ITEMS with resource-constraint', () => {
    bounded.given([blocked('a@x.y', 'b@x.y')]).when({ type: 'BlockJids', owner, jids: ['c@x.y'] }).then([blocked('c@x.y')]);
    bounded.given([blocked('a@x.y', 'b@x.y')]).when({ type: 'BlockJids', owner, jids: ['c@x.y', 'd@x.y'] }).thenThrows(ResourceConstraintError);
  });

  it('refuses a block past BLOCKLIST_MAX_BYTES, and still takes what is already blocked', () => {
    bounded.given([blocked('a@x.y')]).when({ type: 'BlockJids', owner, jids: [`${'l'.repeat(50)}@x.y`] }).thenThrows(ResourceConstraintError);
    bounded.given([blocked('a@x.y')]).when({ type: 'BlockJids', owner, jids: ['a@x.y'] }).then([]);
  });
});
