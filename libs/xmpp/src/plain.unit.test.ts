import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaslFailure } from './errors.ts';
import { parsePlain, verifyPlain } from './plain.ts';
import { deriveScramCredential } from './scram.ts';

const plain = (text: string) => Buffer.from(text, 'utf8');

describe('parsePlain', () => {
  it('reads username and password without an authzid', () => {
    assert.deepEqual(parsePlain(plain('\0juliet\0r0m30')), { username: 'juliet', password: 'r0m30' });
  });

  it('reads an authzid when present', () => {
    assert.deepEqual(parsePlain(plain('juliet@example.com\0juliet\0r0m30')), {
      authzid: 'juliet@example.com',
      username: 'juliet',
      password: 'r0m30',
    });
  });

  it('SASLpreps the username but keeps the password as sent', () => {
    assert.deepEqual(parsePlain(plain('\0I\u00adX\0pass\u00a0word')), { username: 'IX', password: 'pass\u00a0word' });
  });

  for (const [name, message] of [
    ['one NUL', plain('\0juliet')],
    ['three NULs', plain('\0juliet\0pw\0x')],
    ['an empty username', plain('\0\0pw')],
    ['an empty password', plain('\0juliet\0')],
    ['invalid UTF-8', Buffer.from([0, 0x6a, 0, 0xff])],
    ['a username SASLprep rejects', plain('\0ju\u0007liet\0pw')],
  ] as const) {
    it(`answers ${name} with malformed-request`, () => {
      assert.throws(() => parsePlain(message), (err: unknown) => err instanceof SaslFailure && err.condition === 'malformed-request');
    });
  }
});

describe('verifyPlain', () => {
  for (const mechanism of ['SCRAM-SHA-1', 'SCRAM-SHA-256'] as const) {
    it(`checks a password against a ${mechanism} credential`, async () => {
      const cred = deriveScramCredential('pencil', mechanism, { iterations: 4096 });
      assert.equal(await verifyPlain('pencil', cred, mechanism), true);
      assert.equal(await verifyPlain('pencil ', cred, mechanism), false);
      assert.equal(await verifyPlain('', cred, mechanism), false);
    });
  }

  it('compares passwords after SASLprep, and never matches one SASLprep rejects', async () => {
    const cred = deriveScramCredential('pass word', 'SCRAM-SHA-1');
    assert.equal(await verifyPlain('pass\u00a0word', cred, 'SCRAM-SHA-1'), true);
    assert.equal(await verifyPlain('pass\u0007word', cred, 'SCRAM-SHA-1'), false);
  });

  it('does not accept a credential of the other mechanism', async () => {
    const cred = deriveScramCredential('pencil', 'SCRAM-SHA-1');
    assert.equal(await verifyPlain('pencil', cred, 'SCRAM-SHA-256'), false);
  });
});

describe('verifyPlain off the event loop', () => {
  it('lets timers run while PBKDF2 works', async () => {
    const cred = deriveScramCredential('pencil', 'SCRAM-SHA-256', { iterations: 4096 });
    const slow = { ...cred, iterations: 400_000 };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      assert.equal(await verifyPlain('pencil', slow, 'SCRAM-SHA-256'), false);
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'the event loop was blocked for the whole verification');
  });
});
