import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XmppStreamParser } from './stream-parser.ts';
import { isRestartTrigger } from './restart-trigger.ts';

const HEADER =
  "<stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const STARTTLS = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
const AUTH = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABzZWNyZXQ=</auth>";
// Non-ASCII on both sides of the trigger, so that byte offsets and code-unit offsets differ.
const BEFORE = "<presence><status>caf\u00e9 \u{1F600}</status></presence>";
const NEW_HEADER = `<?xml version='1.0'?><stream:stream to='l\u00f6calhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`;

function recorder() {
  const parser = new XmppStreamParser({ maxStanzaBytes: () => 8192 });
  parser.pauseAfter = isRestartTrigger;
  const seen: string[] = [];
  const resumes: Array<() => void> = [];
  parser.on('streamStart', (attrs) => seen.push(`streamStart ${attrs.to}`));
  parser.on('stanza', (el, resume) => {
    seen.push(el.name);
    if (resume) resumes.push(resume);
  });
  parser.on('streamEnd', () => seen.push('streamEnd'));
  parser.on('error', (err) => seen.push(`error ${err.condition}`));
  return { parser, seen, resumes };
}

describe('XmppStreamParser: input after a restart trigger', () => {
  it('holds the bytes behind <starttls/>, exactly, and drops them when told (CVE-2011-0411)', () => {
    const { parser, seen, resumes } = recorder();
    parser.write(Buffer.from(`${HEADER}${STARTTLS}${AUTH}`));
    assert.deepEqual(seen, ['streamStart localhost', 'starttls']);
    assert.equal(resumes.length, 1);
    parser.write(Buffer.from('<presence/>'));
    assert.equal(parser.discardHeld(), Buffer.byteLength(AUTH) + '<presence/>'.length);
    resumes[0]!();
    assert.deepEqual(seen, ['streamStart localhost', 'starttls']);
  });

  it('feeds a header pipelined behind <auth/> to the restarted stream (XEP-0305), at every split of the bytes', () => {
    const bytes = Buffer.from(`${HEADER}${BEFORE}${AUTH}${NEW_HEADER}<iq type='set' id='b'/>`);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { parser, seen, resumes } = recorder();
      parser.write(bytes.subarray(0, cut));
      parser.write(bytes.subarray(cut));
      assert.deepEqual(seen, ['streamStart localhost', 'presence', 'auth'], `cut at ${cut}`);
      parser.reset();
      parser.pauseAfter = undefined;
      resumes[0]!();
      assert.deepEqual(seen.slice(3), ['streamStart l\u00f6calhost', 'iq'], `cut at ${cut}`);
    }
  });

  it('drops what was pipelined behind a failed <auth/>; the stream goes on', () => {
    const { parser, seen, resumes } = recorder();
    parser.write(Buffer.from(`${HEADER}${AUTH}${NEW_HEADER}`));
    parser.discardHeld();
    resumes[0]!();
    parser.write(Buffer.from(AUTH));
    assert.deepEqual(seen, ['streamStart localhost', 'auth', 'auth']);
  });

  it('parses held input on the same stream after a challenge', () => {
    const { parser, seen, resumes } = recorder();
    parser.write(Buffer.from(`${HEADER}${AUTH}<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`));
    assert.deepEqual(seen, ['streamStart localhost', 'auth']);
    resumes[0]!();
    assert.deepEqual(seen, ['streamStart localhost', 'auth', 'abort']);
  });

  it('pauses again on a trigger inside the held input, and hands out a resume for each', () => {
    const { parser, seen, resumes } = recorder();
    parser.write(Buffer.from(`${HEADER}${AUTH}${AUTH}<presence/>`));
    resumes[0]!();
    assert.deepEqual(seen, ['streamStart localhost', 'auth', 'auth']);
    resumes[0]!();
    assert.deepEqual(seen, ['streamStart localhost', 'auth', 'auth'], 'a resume used twice does nothing');
    resumes[1]!();
    assert.deepEqual(seen, ['streamStart localhost', 'auth', 'auth', 'presence']);
  });

  it('closes with policy-violation once more than the stanza limit is held', () => {
    const { parser, seen } = recorder();
    parser.write(Buffer.from(`${HEADER}${AUTH}`));
    parser.write(Buffer.alloc(8000, 0x20));
    assert.equal(seen.at(-1), 'auth');
    parser.write(Buffer.alloc(200, 0x20));
    assert.equal(seen.at(-1), 'error policy-violation');
  });

  it('parses a whole chunk at once without pauseAfter', () => {
    const { parser, seen, resumes } = recorder();
    parser.pauseAfter = undefined;
    parser.write(Buffer.from(`${HEADER}${AUTH}<presence/>`));
    assert.deepEqual(seen, ['streamStart localhost', 'auth', 'presence']);
    assert.equal(resumes.length, 0);
  });
});
