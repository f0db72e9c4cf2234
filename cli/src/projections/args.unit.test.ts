import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.ts';
import { parseProjectionsArgs } from './args.ts';
import { describeRebuildFailure } from './rebuild.ts';

describe('gatehouse projections arguments', () => {
  it('reads rebuild <name> and help', () => {
    assert.deepEqual(parseProjectionsArgs(['rebuild', 'client-listing']), { action: 'rebuild', name: 'client-listing' });
    assert.deepEqual(parseProjectionsArgs(['--help']), { action: 'help' });
  });

  it('refuses anything else with the usage', () => {
    for (const argv of [[], ['drop', 'x'], ['rebuild'], ['rebuild', 'a', 'b'], ['rebuild', '--all']]) {
      assert.throws(() => parseProjectionsArgs(argv), UsageError, JSON.stringify(argv));
    }
  });

  it('names the projections there are when the name is unknown', () => {
    const error = Object.assign(new Error('no projection named nope'), { code: 'unknown-projection' });
    assert.equal(describeRebuildFailure(error, { natsUrl: 'x', name: 'nope' }), 'no projection named nope (try client-listing, client-activity or account-listing)');
  });
});
