import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type StreamErrorCondition, StreamError } from './errors.ts';
import { closeFrame, openFrame, parseFrame } from './framing.ts';

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';

function conditionOf(text: string, maxBytes = 8192): StreamErrorCondition {
  try {
    parseFrame(text, maxBytes);
  } catch (err) {
    assert.ok(err instanceof StreamError, String(err));
    return err.condition;
  }
  assert.fail(`accepted ${text}`);
}

describe('parseFrame', () => {
  it('reads <open/> with its attributes', () => {
    const frame = parseFrame(`<open xmlns='${FRAMING}' to='localhost' version='1.0' xml:lang='en'/>`, 8192);
    assert.deepEqual(frame, {
      kind: 'open',
      attrs: { xmlns: FRAMING, to: 'localhost', version: '1.0', 'xml:lang': 'en' },
    });
  });

  it('reads <close/>, with an XML declaration in front', () => {
    assert.deepEqual(parseFrame(`<?xml version='1.0'?><close xmlns='${FRAMING}'/>`, 8192), {
      kind: 'close',
      attrs: { xmlns: FRAMING },
    });
  });

  it('takes an unqualified stanza as jabber:client and keeps explicit namespaces', () => {
    const frame = parseFrame("<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>", 8192);
    assert.equal(frame.kind, 'stanza');
    assert.equal(frame.kind === 'stanza' && frame.element.toString(),
      '<iq type="get" id="1" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>');
    const sasl = parseFrame("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>", 8192);
    assert.equal(sasl.kind === 'stanza' && sasl.element.attrs.xmlns, 'urn:ietf:params:xml:ns:xmpp-sasl');
  });

  it('keeps a prefixed element that declares its prefix', () => {
    const frame = parseFrame("<stream:error xmlns:stream='http://etherx.jabber.org/streams'/>", 8192);
    assert.equal(frame.kind === 'stanza' && frame.element.getNS(), 'http://etherx.jabber.org/streams');
  });

  it('allows whitespace around the element', () => {
    assert.equal(parseFrame(' \n<presence/>\n ', 8192).kind, 'stanza');
  });

  it('decodes the predefined entities and character references', () => {
    const frame = parseFrame('<message><body>&lt;&#65;&#x42;&amp;</body></message>', 8192);
    assert.equal(frame.kind === 'stanza' && frame.element.getChildText('body'), '<AB&');
  });
});

describe('parseFrame: errors', () => {
  for (const [condition, name, text] of [
    // RFC 7395 §3.3.3: a message must be a standalone XML document, which has one root.
    ['not-well-formed', 'two elements in one message', '<presence/><presence/>'],
    ['not-well-formed', 'text after the element', '<presence/>hi'],
    ['not-well-formed', 'an empty message', ''],
    ['not-well-formed', 'a whitespace-only message', ' '],
    ['not-well-formed', 'an unclosed element', '<message><body>hi</body>'],
    ['not-well-formed', 'an unbound prefix inside the element', '<message><x:y/></message>'],
    ['bad-namespace-prefix', 'an unbound prefix on the element', '<stream:features/>'],
    ['invalid-namespace', '<open/> outside the framing namespace', "<open to='localhost' version='1.0'/>"],
    ['invalid-namespace', '<close/> outside the framing namespace', "<close xmlns='jabber:client'/>"],
    ['restricted-xml', 'a comment', '<presence><!-- c --></presence>'],
    ['restricted-xml', 'a processing instruction', '<?foo?><presence/>'],
    ['restricted-xml', 'a DOCTYPE', '<!DOCTYPE presence [<!ENTITY e "x">]><presence>&e;</presence>'],
    ['restricted-xml', 'an undefined entity', '<message><body>&e;</body></message>'],
    ['unsupported-encoding', 'a non-UTF-8 declaration', "<?xml version='1.0' encoding='UTF-16'?><presence/>"],
    ['policy-violation', 'too deep a nesting', `${'<a>'.repeat(101)}${'</a>'.repeat(101)}`],
  ] as const) {
    it(`answers ${name} with ${condition}`, () => assert.equal(conditionOf(text), condition));
  }

  it('limits the size in UTF-8 bytes', () => {
    const body = '\u00e9'.repeat(84); // 168 bytes in 84 characters
    const text = `<message><body>${body}</body></message>`; // 200 bytes
    assert.equal(parseFrame(text, 200).kind, 'stanza');
    assert.equal(conditionOf(text, 199), 'policy-violation');
  });
});

describe('openFrame / closeFrame', () => {
  it('builds frames in the framing namespace that parse back', () => {
    const open = openFrame({ from: 'localhost', id: 's1', version: '1.0', 'xml:lang': 'en' });
    assert.deepEqual(parseFrame(open, 8192), {
      kind: 'open',
      attrs: { xmlns: FRAMING, from: 'localhost', id: 's1', version: '1.0', 'xml:lang': 'en' },
    });
    assert.equal(closeFrame(), `<close xmlns="${FRAMING}"/>`);
    assert.deepEqual(parseFrame(closeFrame('wss://other.example/ws?a=1&b=2'), 8192), {
      kind: 'close',
      attrs: { xmlns: FRAMING, 'see-other-uri': 'wss://other.example/ws?a=1&b=2' },
    });
  });
});
