import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.ts';
import { parseUserArgs } from './args.ts';

describe('parseUserArgs', () => {
  it('reads create with a password argument', () => {
    assert.deepEqual(parseUserArgs(['create', 'alice@localhost', '--password', 's3cret']), {
      action: 'create',
      jid: 'alice@localhost',
      password: { from: 'argument', value: 's3cret' },
    });
  });

  it('accepts the option before the JID, -p and --password=value', () => {
    const expected = { action: 'password', jid: 'alice@localhost', password: { from: 'argument', value: '-dash' } };
    assert.deepEqual(parseUserArgs(['password', '--password=-dash', 'alice@localhost']), expected);
    assert.deepEqual(parseUserArgs(['password', '-p', 'x', 'alice@localhost']).action, 'password');
  });

  it('reads the password from stdin for --password - and when it is missing', () => {
    assert.deepEqual(parseUserArgs(['create', 'alice@localhost', '--password', '-']), {
      action: 'create',
      jid: 'alice@localhost',
      password: { from: 'stdin', explicit: true },
    });
    assert.deepEqual(parseUserArgs(['create', 'alice@localhost']), {
      action: 'create',
      jid: 'alice@localhost',
      password: { from: 'stdin', explicit: false },
    });
  });

  it('reads delete and list with and without a domain', () => {
    assert.deepEqual(parseUserArgs(['delete', 'alice@localhost']), { action: 'delete', jid: 'alice@localhost' });
    assert.deepEqual(parseUserArgs(['list']), { action: 'list' });
    assert.deepEqual(parseUserArgs(['list', 'example.org']), { action: 'list', domain: 'example.org' });
  });

  it('asks for help with --help or -h, whatever else is there', () => {
    assert.deepEqual(parseUserArgs(['--help']), { action: 'help' });
    assert.deepEqual(parseUserArgs(['create', '-h']), { action: 'help' });
  });

  for (const [argv, message] of [
    [[], /missing action/],
    [['rename', 'a@b'], /unknown action 'rename'/],
    [['create'], /exactly one JID/],
    [['create', 'a@b', 'c@d', '--password', 'x'], /exactly one JID/],
    [['delete', 'a@b', '--password', 'x'], /takes no --password/],
    [['list', 'a', 'b'], /at most one domain/],
    [['create', 'a@b', '--password'], /argument missing/],
    [['create', 'a@b', '--bogus'], /Unknown option '--bogus'/],
  ] as const) {
    it(`refuses ${JSON.stringify(argv)} with a usage error`, () => {
      assert.throws(() => parseUserArgs([...argv]), (error) => error instanceof UsageError && message.test(error.message));
    });
  }
});
