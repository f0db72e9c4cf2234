import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  JidMalformedError,
  bareJid,
  formatJid,
  isValidResource,
  isValidUsername,
  parseJid,
  tryParseJid,
} from './jid.ts';

describe('parseJid', () => {
  it('splits local, domain and resource, with absent parts as empty strings', () => {
    assert.deepEqual(parseJid('juliet@example.com/balcony'), { local: 'juliet', domain: 'example.com', resource: 'balcony' });
    assert.deepEqual(parseJid('example.com'), { local: '', domain: 'example.com', resource: '' });
    assert.deepEqual(parseJid('example.com/r'), { local: '', domain: 'example.com', resource: 'r' });
  });

  it('splits at the first / and takes @ and / in the resource literally (RFC 7622 §3.1)', () => {
    assert.deepEqual(parseJid('a@b/c@d/e'), { local: 'a', domain: 'b', resource: 'c@d/e' });
  });

  it('lower-cases localpart and domainpart but not the resource', () => {
    assert.deepEqual(parseJid('Juliet@Example.COM/Balcony'), { local: 'juliet', domain: 'example.com', resource: 'Balcony' });
  });

  it('normalises every part to NFC', () => {
    const decomposed = 'e\u0301';
    const jid = parseJid(`${decomposed}@${decomposed}.example/${decomposed}`);
    assert.deepEqual(jid, { local: '\u00e9', domain: '\u00e9.example', resource: '\u00e9' });
  });

  it('drops one trailing dot from the domain (RFC 7622 §3.2)', () => {
    assert.equal(parseJid('a@example.com.').domain, 'example.com');
  });

  it('accepts an IPv6 literal domain and spaces in a resource', () => {
    assert.equal(parseJid('a@[::1]').domain, '[::1]');
    assert.equal(parseJid('a@b/my phone').resource, 'my phone');
  });

  for (const [name, input] of [
    ['an empty string', ''],
    ['an empty domain', 'a@'],
    ['an empty domain before a resource', 'a@/r'],
    ['an empty localpart', '@example.com'],
    ['an empty resource', 'a@example.com/'],
    ['an empty label', 'a@example..com'],
    ['only a dot as domain', 'a@.'],
    ['a space in the localpart', 'jul iet@example.com'],
    ['a space in the domain', 'a@exa mple.com'],
    ['a colon in the domain', 'a@example.com:5222'],
    ['a malformed IPv6 literal', 'a@[::1'],
    ['a control character in the resource', 'a@b/r\u0007'],
    ...[...'"&\':<>'].map((c) => [`${c} in the localpart`, `a${c}b@example.com`]),
    ['two @ before the resource', 'a@b@example.com'],
    ['a localpart longer than 1023 bytes', `${'\u00e9'.repeat(512)}@example.com`],
    ['a resource longer than 1023 bytes', `a@example.com/${'r'.repeat(1024)}`],
    ['a domain longer than 1023 bytes', `a@${'d'.repeat(1024)}`],
  ]) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseJid(input as string), (err: unknown) => {
        assert.ok(err instanceof JidMalformedError);
        assert.equal(err.code, 'jid-malformed');
        return true;
      });
    });
  }

  it('accepts parts of exactly 1023 bytes', () => {
    assert.equal(parseJid(`${'l'.repeat(1023)}@example.com/${'r'.repeat(1023)}`).resource.length, 1023);
  });
});

describe('tryParseJid', () => {
  it('returns null instead of throwing', () => {
    assert.equal(tryParseJid('@x'), null);
    assert.deepEqual(tryParseJid('x'), { local: '', domain: 'x', resource: '' });
  });
});

describe('formatJid / bareJid', () => {
  it('round-trips normalised JIDs', () => {
    for (const text of ['a@b/c', 'a@b', 'b', 'b/c']) assert.equal(formatJid(parseJid(text)), text);
    assert.equal(formatJid(parseJid('A@B/C')), 'a@b/C');
  });

  it('drops the resource', () => {
    assert.equal(bareJid(parseJid('a@b/c')), 'a@b');
    assert.equal(bareJid(parseJid('b/c')), 'b');
  });
});

describe('isValidResource / isValidUsername', () => {
  it('checks a resource', () => {
    assert.ok(isValidResource('Gajim.x7f'));
    assert.ok(isValidResource('with space/and@signs'));
    assert.ok(!isValidResource(''));
    assert.ok(!isValidResource('tab\there'));
    assert.ok(!isValidResource('r'.repeat(1024)));
  });

  it('checks a username as a localpart', () => {
    assert.ok(isValidUsername('juliet'));
    assert.ok(isValidUsername('Juliet'));
    assert.ok(isValidUsername('j\u00fcliet.capulet+tag'));
    for (const bad of ['', 'a b', 'a@b', 'a/b', 'a:b', "o'neil", 'x\u200by']) {
      assert.ok(!isValidUsername(bad), JSON.stringify(bad));
    }
  });
});
