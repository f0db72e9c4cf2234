import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Element } from '@xmpp/xml';
import { type StreamErrorCondition, StreamError } from './errors.ts';
import { XmppStreamParser } from './stream-parser.ts';

const HEADER =
  "<stream:stream to='localhost' version='1.0' xml:lang='en' xmlns='jabber:client' " +
  "xmlns:stream='http://etherx.jabber.org/streams'>";

type Event =
  | ['streamStart', Record<string, string>]
  | ['stanza', string]
  | ['streamEnd']
  | ['error', StreamErrorCondition];

function record(limit: () => number = () => 8192) {
  const parser = new XmppStreamParser({ maxStanzaBytes: limit });
  const events: Event[] = [];
  const stanzas: Element[] = [];
  parser.on('streamStart', (attrs) => events.push(['streamStart', attrs]));
  parser.on('stanza', (el) => {
    stanzas.push(el);
    events.push(['stanza', el.toString()]);
  });
  parser.on('streamEnd', () => events.push(['streamEnd']));
  parser.on('error', (err) => {
    assert.ok(err instanceof StreamError);
    events.push(['error', err.condition]);
  });
  return { parser, events, stanzas };
}

function feed(input: string | Buffer, chunkSize = Infinity, limit?: () => number) {
  const rec = record(limit);
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  for (let i = 0; i < bytes.length; i += Math.min(chunkSize, bytes.length)) {
    rec.parser.write(bytes.subarray(i, i + chunkSize));
  }
  return rec;
}

function errorOf(input: string | Buffer, limit?: () => number): StreamErrorCondition | undefined {
  const { events } = feed(input, Infinity, limit);
  const last = events.at(-1);
  return last?.[0] === 'error' ? last[1] : undefined;
}

describe('XmppStreamParser: a valid stream', () => {
  const stream =
    `<?xml version='1.0' encoding='UTF-8'?>${HEADER}\n` +
    "<message to='juliet@example.com' id='m1'><body>caf\u00e9 \u{1F600}\r\n&amp; &lt;tea&gt; &#x263A;</body></message> " +
    "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>" +
    "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\n\t</stream:stream>";

  it('emits the header attributes, each first-level element, and the end', () => {
    const { events, stanzas } = feed(stream);
    assert.deepEqual(events.map((e) => e[0]), ['streamStart', 'stanza', 'stanza', 'stanza', 'streamEnd']);
    assert.deepEqual(events[0]?.[1], {
      to: 'localhost',
      version: '1.0',
      'xml:lang': 'en',
      xmlns: 'jabber:client',
      'xmlns:stream': 'http://etherx.jabber.org/streams',
    });
    assert.equal(stanzas[0]?.attrs.xmlns, 'jabber:client');
    assert.equal(stanzas[0]?.getChildText('body'), 'caf\u00e9 \u{1F600}\n& <tea> \u263A');
    assert.equal(stanzas[1]?.getChild('query')?.getNS(), 'jabber:iq:roster');
    assert.equal(stanzas[2]?.attrs.xmlns, 'urn:ietf:params:xml:ns:xmpp-tls');
  });

  it('gives the same result however the bytes are split, also inside UTF-8 sequences', () => {
    const whole = feed(stream).events;
    for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(feed(stream, size).events, whole);
  });

  it('keeps a prefixed first-level element prefixed and declares its namespace on it', () => {
    const { stanzas } = feed(`${HEADER}<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>`);
    const features = stanzas[0];
    assert.equal(features?.name, 'stream:features');
    assert.equal(features?.attrs['xmlns:stream'], 'http://etherx.jabber.org/streams');
    assert.equal(features?.getNS(), 'http://etherx.jabber.org/streams');
    assert.equal(features?.getChild('bind')?.getNS(), 'urn:ietf:params:xml:ns:xmpp-bind');
  });

  it('copies a prefix declared on the header onto the stanza that uses it', () => {
    const header = HEADER.replace('>', " xmlns:x='urn:example:x'>");
    const { stanzas } = feed(`${header}<message><x:data x:kind='a'/></message>`);
    assert.equal(stanzas[0]?.toString(), '<message xmlns="jabber:client" xmlns:x="urn:example:x"><x:data x:kind="a"/></message>');
  });

  it('declares the inherited content namespace under a prefixed first-level element', () => {
    const { stanzas } = feed(`${HEADER}<stream:error><text>t</text></stream:error>`);
    assert.equal(stanzas[0]?.getChild('text')?.getNS(), 'jabber:client');
  });

  it('accepts a header with no content namespace when elements qualify themselves (RFC 6120 §4.8.2)', () => {
    const header = "<stream:stream version='1.0' xmlns:stream='http://etherx.jabber.org/streams'>";
    const { events } = feed(`${header}<presence xmlns='jabber:client'/>`);
    assert.deepEqual(events.map((e) => e[0]), ['streamStart', 'stanza']);
  });

  it('keeps CDATA as text inside a stanza', () => {
    const { stanzas } = feed(`${HEADER}<message><body><![CDATA[<b>&]]></body></message>`);
    assert.equal(stanzas[0]?.getChildText('body'), '<b>&');
  });

  it('accepts whitespace after </stream:stream>', () => {
    const { events } = feed(`${HEADER}</stream:stream>\n  `);
    assert.deepEqual(events.map((e) => e[0]), ['streamStart', 'streamEnd']);
  });
});

describe('XmppStreamParser: not-well-formed', () => {
  for (const [name, input] of [
    ['unbalanced tags', `${HEADER}<message><body></message>`],
    ['an unquoted attribute', `${HEADER}<message to=juliet/>`],
    ['a control character', `${HEADER}<message><body>\u0001</body></message>`],
    ['an unbound prefix inside a stanza', `${HEADER}<message><x:y/></message>`],
    ['a second root after the close', `${HEADER}</stream:stream><stream:stream>`],
    ['junk after the close', `${HEADER}</stream:stream>junk`],
    ['text before the header', `hello${HEADER}`],
  ] as const) {
    it(`rejects ${name}`, () => assert.equal(errorOf(input), 'not-well-formed'));
  }

  it('rejects invalid UTF-8', () => {
    const input = Buffer.concat([Buffer.from(`${HEADER}<message><body>`), Buffer.from([0xc3, 0x28]), Buffer.from('</body></message>')]);
    assert.equal(errorOf(input), 'not-well-formed');
  });
});

describe('XmppStreamParser: restricted-xml (RFC 6120 §11.1)', () => {
  for (const [name, input] of [
    ['a DOCTYPE', `<!DOCTYPE stream>${HEADER}`],
    ['a DOCTYPE inside the stream', `${HEADER}<!DOCTYPE x>`],
    ['a processing instruction', `${HEADER}<?foo bar?>`],
    ['a processing instruction before the header', `<?foo bar?>${HEADER}`],
    ['a late XML declaration', `${HEADER}<?xml version='1.0'?>`],
    ['a late upper-case XML declaration', `${HEADER}<?XML version='1.0'?>`],
    ['a comment between stanzas', `${HEADER}<!-- hi -->`],
    ['a comment inside a stanza', `${HEADER}<message><!-- hi --></message>`],
    ['an undefined entity reference', `${HEADER}<message><body>&nbsp;</body></message>`],
  ] as const) {
    it(`rejects ${name}`, () => assert.equal(errorOf(input), 'restricted-xml'));
  }

  it('never expands an entity declared in an internal subset', () => {
    const input = `<!DOCTYPE s [<!ENTITY xxe "EXPANDED">]>${HEADER}<message><body>&xxe;</body></message>`;
    const { events } = feed(input);
    assert.deepEqual(events, [['error', 'restricted-xml']]);
  });
});

describe('XmppStreamParser: header checks', () => {
  const NS = "xmlns:stream='http://etherx.jabber.org/streams'";
  for (const [condition, name, input] of [
    ['unsupported-encoding', 'a non-UTF-8 encoding', `<?xml version='1.0' encoding='ISO-8859-1'?>${HEADER}`],
    ['bad-namespace-prefix', 'a prefix other than stream', "<foo:stream version='1.0' xmlns='jabber:client' xmlns:foo='http://etherx.jabber.org/streams'>"],
    ['bad-namespace-prefix', 'an unbound prefix', "<foo:stream version='1.0' xmlns='jabber:client'>"],
    ['bad-namespace-prefix', 'no prefix', "<stream version='1.0' xmlns='http://etherx.jabber.org/streams'>"],
    ['invalid-namespace', 'a wrong stream namespace', "<stream:stream version='1.0' xmlns='jabber:client' xmlns:stream='urn:wrong'>"],
    ['invalid-namespace', 'a wrong root name', `<stream:flow version='1.0' xmlns='jabber:client' ${NS}>`],
    ['invalid-namespace', 'the jabber:server content namespace', `<stream:stream version='1.0' xmlns='jabber:server' ${NS}>`],
    ['invalid-namespace', 'an unqualified first-level element', `<stream:stream version='1.0' ${NS}><message/>`],
    ['unsupported-version', 'version 2.0', HEADER.replace("'1.0'", "'2.0'")],
    ['unsupported-version', 'no version', HEADER.replace(" version='1.0'", '')],
  ] as const) {
    it(`answers ${name} with ${condition}`, () => assert.equal(errorOf(input), condition));
  }

  it('accepts utf-8 in any case and minor versions other than 0', () => {
    const { events } = feed(`<?xml version='1.0' encoding='utf-8'?>${HEADER.replace("'1.0'", "'1.1'")}`);
    assert.equal(events[0]?.[0], 'streamStart');
  });

  it('emits no streamStart for a rejected header', () => {
    assert.deepEqual(feed(HEADER.replace("'1.0'", "'2.0'")).events, [['error', 'unsupported-version']]);
  });
});

describe('XmppStreamParser: stream-level text', () => {
  it('tolerates whitespace keepalives between stanzas', () => {
    const { events } = feed(`${HEADER} \n <presence/>\r\n\t<presence/>  `, 1);
    assert.deepEqual(events.map((e) => e[0]), ['streamStart', 'stanza', 'stanza']);
  });

  it('answers other text at stream level with bad-format', () => {
    assert.equal(errorOf(`${HEADER}hello<presence/>`), 'bad-format');
    assert.equal(errorOf(`${HEADER}<![CDATA[ ]]>`), 'bad-format');
  });
});
