import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.ts';
import { parseStartArgs } from './args.ts';

describe('parseStartArgs', () => {
  it('defaults to one gateway', () => {
    assert.deepEqual(parseStartArgs([]), { gateways: 1, help: false });
  });

  it('reads --gateways N and --gateways=N', () => {
    assert.equal(parseStartArgs(['--gateways', '2']).gateways, 2);
    assert.equal(parseStartArgs(['--gateways=3']).gateways, 3);
  });

  it('reads --help and -h', () => {
    assert.equal(parseStartArgs(['--help']).help, true);
    assert.equal(parseStartArgs(['-h']).help, true);
  });

  for (const argv of [['--gateways'], ['--gateways', '0'], ['--gateways', 'two'], ['--gateways=1.5'], ['--gateways', '51'], ['--verbose'], ['extra']]) {
    it(`refuses ${argv.join(' ')}`, () => {
      assert.throws(() => parseStartArgs(argv), UsageError);
    });
  }
});
