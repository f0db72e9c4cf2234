import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { UsageError } from '../errors.ts';
import { readAll, resolvePassword } from './password.ts';

const piped = (text: string) => ({ isTTY: false, read: async () => text });
const terminal = { isTTY: true, read: async () => assert.fail('must not read a terminal') };

describe('resolvePassword', () => {
  it('takes the argument as it is', async () => {
    assert.equal(await resolvePassword({ from: 'argument', value: ' pass word ' }, terminal), ' pass word ');
  });

  it('reads stdin and drops one trailing newline only', async () => {
    assert.equal(await resolvePassword({ from: 'stdin', explicit: true }, piped('secret\n')), 'secret');
    assert.equal(await resolvePassword({ from: 'stdin', explicit: false }, piped('secret\r\n')), 'secret');
    assert.equal(await resolvePassword({ from: 'stdin', explicit: false }, piped('two\n\n')), 'two\n');
  });

  it('reads a terminal only when asked to with --password -', async () => {
    assert.equal(await resolvePassword({ from: 'stdin', explicit: true }, { isTTY: true, read: async () => 'typed\n' }), 'typed');
    await assert.rejects(resolvePassword({ from: 'stdin', explicit: false }, terminal), (error) => error instanceof UsageError && /password is needed/.test(error.message));
  });

  it('refuses an empty password', async () => {
    await assert.rejects(resolvePassword({ from: 'stdin', explicit: true }, piped('\n')), /password is empty/);
    await assert.rejects(resolvePassword({ from: 'argument', value: '' }, terminal), /password is empty/);
  });
});

describe('readAll', () => {
  it('keeps a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('pässwörd');
    assert.equal(await readAll(Readable.from([bytes.subarray(0, 2), bytes.subarray(2)])), 'pässwörd');
  });
});
