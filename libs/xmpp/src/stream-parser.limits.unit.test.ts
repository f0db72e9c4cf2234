import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type StreamErrorCondition } from './errors.ts';
import { XmppStreamParser } from './stream-parser.ts';

const HEADER =
  "<stream:stream to='localhost' version='1.0' xmlns='jabber:client' " +
  "xmlns:stream='http://etherx.jabber.org/streams'>";

function parserWith(limit: () => number) {
  const parser = new XmppStreamParser({ maxStanzaBytes: limit });
  const seen: string[] = [];
  const errors: StreamErrorCondition[] = [];
  parser.on('streamStart', () => seen.push('streamStart'));
  parser.on('stanza', (el) => seen.push(el.toString()));
  parser.on('streamEnd', () => seen.push('streamEnd'));
  parser.on('error', (err) => errors.push(err.condition));
  return { parser, seen, errors };
}

/** A <message/> of exactly `bytes` bytes of UTF-8, padded with `fill`. */
function messageOf(bytes: number, fill = 'a'): string {
  const shell = "<message><body></body></message>";
  const fillBytes = Buffer.byteLength(fill);
  return shell.replace('<body>', `<body>${fill.repeat((bytes - shell.length) / fillBytes)}`);
}

describe('XmppStreamParser: size limit (policy-violation)', () => {
  it('accepts a stanza of exactly the limit and rejects one byte more', () => {
    const ok = parserWith(() => 200);
    ok.parser.write(Buffer.from(HEADER + messageOf(200)));
    assert.deepEqual(ok.errors, []);
    assert.equal(ok.seen.length, 2);

    const over = parserWith(() => 200);
    over.parser.write(Buffer.from(HEADER + messageOf(201)));
    assert.deepEqual(over.seen, ['streamStart']);
    assert.deepEqual(over.errors, ['policy-violation']);
  });

  it('counts bytes, not characters', () => {
    const input = HEADER + messageOf(232, '\u00e9'); // 100 characters of two bytes each
    const { parser, errors } = parserWith(() => 200);
    parser.write(Buffer.from(input));
    assert.deepEqual(errors, ['policy-violation']);
  });

  it('measures exactly however the bytes are split', () => {
    const input = Buffer.from(`${HEADER} \r\n${messageOf(200, '\u00e9')}\r\n${messageOf(200, '\u00e9')}`);
    for (const size of [1, 3, 7, 50, 199]) {
      for (const [limit, expected] of [[200, []], [199, ['policy-violation']]] as const) {
        const { parser, errors } = parserWith(() => limit);
        for (let i = 0; i < input.length; i += size) parser.write(input.subarray(i, i + size));
        assert.deepEqual(errors, expected, `chunks of ${size}, limit ${limit}`);
      }
    }
  });

  it('does not count whitespace keepalives before a stanza against it', () => {
    const { parser, errors, seen } = parserWith(() => 200);
    parser.write(Buffer.from(`${HEADER}${' '.repeat(150)}${messageOf(200)}`));
    assert.deepEqual(errors, []);
    assert.equal(seen.length, 2);
  });

  it('stops a never-ending stanza within one chunk of the limit', () => {
    const { parser, errors } = parserWith(() => 1000);
    parser.write(Buffer.from(`${HEADER}<message><body>`));
    let written = 0;
    while (errors.length === 0 && written < 100_000) {
      parser.write(Buffer.from('x'.repeat(64)));
      written += 64;
    }
    assert.deepEqual(errors, ['policy-violation']);
    assert.ok(written <= 1000 + 64, `stopped after ${written} bytes`);
  });

  it('stops an unterminated start tag, endless whitespace and an oversized header', () => {
    for (const [prefix, filler] of [
      [`${HEADER}<message `, 'a'],
      [HEADER, ' '],
      ["<stream:stream a='", 'a'],
    ] as const) {
      const { parser, errors } = parserWith(() => 500);
      parser.write(Buffer.from(prefix));
      for (let i = 0; i < 200 && errors.length === 0; i++) parser.write(Buffer.from(filler.repeat(10)));
      assert.deepEqual(errors, ['policy-violation'], JSON.stringify(filler));
    }
  });

  it('reads the limit again for every stanza, so it can grow after authentication', () => {
    let limit = 100;
    const { parser, errors, seen } = parserWith(() => limit);
    parser.write(Buffer.from(HEADER));
    limit = 300;
    parser.write(Buffer.from(messageOf(250)));
    assert.deepEqual(errors, []);
    assert.equal(seen.length, 2);
  });

  it('rejects elements nested deeper than 100', () => {
    const { parser, errors } = parserWith(() => 100_000);
    parser.write(Buffer.from(`${HEADER}${'<a>'.repeat(101)}`));
    assert.deepEqual(errors, ['policy-violation']);
  });
});

describe('XmppStreamParser: errors and restarts', () => {
  it('emits stanzas completed before an error, then the error, then nothing', () => {
    const { parser, seen, errors } = parserWith(() => 8192);
    parser.write(Buffer.from(`${HEADER}<presence/><!-- x --><presence/>`));
    parser.write(Buffer.from('<presence/>'));
    assert.deepEqual(seen, ['streamStart', '<presence xmlns="jabber:client"/>']);
    assert.deepEqual(errors, ['restricted-xml']);
  });

  it('expects a new header after reset()', () => {
    const { parser, seen, errors } = parserWith(() => 8192);
    parser.write(Buffer.from(`${HEADER}<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`));
    parser.reset();
    parser.write(Buffer.from(`<?xml version='1.0'?>${HEADER}<presence/>`));
    assert.deepEqual(errors, []);
    assert.deepEqual(seen.filter((s) => s === 'streamStart').length, 2);
    assert.equal(seen.at(-1), '<presence xmlns="jabber:client"/>');
  });

  it('recovers from an error with reset()', () => {
    const { parser, seen, errors } = parserWith(() => 8192);
    parser.write(Buffer.from(`${HEADER}junk<`));
    parser.reset();
    parser.write(Buffer.from(`${HEADER}<presence/>`));
    assert.deepEqual(errors, ['bad-format']);
    assert.equal(seen.at(-1), '<presence xmlns="jabber:client"/>');
  });

  it('drops the rest of a chunk when a listener restarts the stream', () => {
    const { parser, seen, errors } = parserWith(() => 8192);
    parser.on('stanza', (el) => {
      if (el.name === 'starttls') parser.reset();
    });
    parser.write(Buffer.from(`${HEADER}<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><presence/>\u0016\u0003`));
    assert.deepEqual(errors, []);
    assert.deepEqual(seen, ['streamStart', '<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"/>']);
  });

  it('lets an exception thrown by a listener reach the caller of write()', () => {
    const parser = new XmppStreamParser({ maxStanzaBytes: () => 8192 });
    parser.on('stanza', () => {
      throw new RangeError('listener bug');
    });
    assert.throws(() => parser.write(Buffer.from(`${HEADER}<presence/>`)), RangeError);
  });
});
