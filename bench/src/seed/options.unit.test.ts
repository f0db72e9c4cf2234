import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../options.ts';
import { MAX_CONTACTS, parseSeedOptions, SERVICES } from './options.ts';

const parse = (...argv: string[]) => parseSeedOptions(argv, '/results');

describe('parseSeedOptions', () => {
  it('defaults to a million accounts, 100,000 rosters of 50 and 200,000 clients, every phase', () => {
    const options = parse();
    assert.deepEqual([options.accounts, options.rosters, options.contacts, options.clients], [1_000_000, 100_000, 50, 200_000]);
    assert.deepEqual(options.services, [...SERVICES]);
    assert.equal(options.stack, true);
    assert.deepEqual(options.out, { dir: '/results' });
    assert.equal(options.seedTimeoutMs, 3_600_000);
  });

  it('takes the quick-check sizes and bounds in seconds', () => {
    const options = parse('--accounts', '20000', '--rosters', '2000', '--clients', '4000', '--ready-timeout', '30', '--window', '500');
    assert.deepEqual([options.accounts, options.rosters, options.contacts, options.clients], [20_000, 2_000, 50, 4_000]);
    assert.equal(options.readyTimeoutMs, 30_000);
    assert.equal(options.window, 500);
  });

  it('skips phases and picks services', () => {
    assert.deepEqual(parse('--skip-services').services, []);
    assert.equal(parse('--skip-stack').stack, false);
    assert.deepEqual(parse('--services', 'token,gateway').services, ['token', 'gateway']);
    assert.throws(() => parse('--services', 'token,audit'), UsageError);
  });

  it('writes to a file, a folder, or nowhere', () => {
    assert.deepEqual(parse('--out', '/tmp/x.json').out, { file: '/tmp/x.json' });
    assert.deepEqual(parse('--out', '/tmp/runs').out, { dir: '/tmp/runs' });
    assert.equal(parse('--out', '-').out, undefined);
  });

  it('refuses counts that cannot be laid out', () => {
    assert.throws(() => parse('--accounts', '0'), UsageError);
    assert.throws(() => parse('--accounts', '1.5'), UsageError);
    assert.throws(() => parse('--accounts', '10', '--rosters', '11', '--contacts', '2', '--clients', '0', '--logins', '0', '--roster-gets', '0'), /more rosters than accounts/);
    assert.throws(() => parse('--contacts', String(MAX_CONTACTS + 1)), /at most/);
    assert.throws(() => parse('--accounts', '50', '--rosters', '10', '--contacts', '50', '--clients', '0', '--logins', '0', '--roster-gets', '0'), /fewer than --accounts/);
    // 1,000 accounts, of which 900 have a client: 100 are left cold.
    assert.throws(() => parse('--accounts', '1000', '--rosters', '10', '--clients', '900', '--logins', '101', '--roster-gets', '5'), /only 100 accounts/);
    assert.equal(parse('--accounts', '1000', '--rosters', '10', '--clients', '900', '--logins', '100', '--roster-gets', '5').logins, 100);
    assert.throws(() => parse('--accounts', '1000', '--rosters', '10', '--clients', '0', '--logins', '1', '--roster-gets', '11'), /more than --rosters/);
  });
});
