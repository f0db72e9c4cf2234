import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xml from '@xmpp/xml';
import { parseFrame } from './framing.ts';
import { iqResult, isStanza } from './stanza.ts';

describe('isStanza', () => {
  it('accepts message, presence and iq in jabber:client only', () => {
    for (const name of ['message', 'presence', 'iq']) assert.ok(isStanza(xml(name, { xmlns: 'jabber:client' })));
    assert.ok(!isStanza(xml('message', { xmlns: 'jabber:server' })));
    assert.ok(!isStanza(xml('auth', { xmlns: 'jabber:client' })));
    assert.ok(!isStanza(xml('r', { xmlns: 'urn:xmpp:sm:3' })));
  });

  it('recognises what the framing parser produces', () => {
    const frame = parseFrame('<presence/>', 8192);
    assert.ok(frame.kind === 'stanza' && isStanza(frame.element));
  });
});

describe('iqResult', () => {
  const iq = xml('iq', { xmlns: 'jabber:client', type: 'get', id: 'p1', from: 'a@x/r', to: 'x' }, xml('ping', { xmlns: 'urn:xmpp:ping' }));

  it('answers with the same id and swapped addresses, without the request payload', () => {
    assert.equal(iqResult(iq).toString(), '<iq xmlns="jabber:client" type="result" id="p1" to="a@x/r" from="x"/>');
  });

  it('carries an optional child', () => {
    const result = iqResult(iq, xml('query', { xmlns: 'jabber:iq:roster' }));
    assert.equal(result.getChild('query')?.getNS(), 'jabber:iq:roster');
    assert.equal(result.getChild('query')?.parent, result);
  });

  it('omits addresses the request did not carry', () => {
    assert.deepEqual(iqResult(xml('iq', { type: 'set', id: 'b' })).attrs, { type: 'result', id: 'b' });
  });
});
