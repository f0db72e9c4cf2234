import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xml from '@xmpp/xml';
import {
  SaslFailure,
  STREAM_ERROR_CONDITIONS,
  StreamError,
  defaultErrorType,
  stanzaError,
  streamErrorXml,
} from './errors.ts';
import { parseFrame } from './framing.ts';

describe('StreamError', () => {
  it('carries the condition as its machine code', () => {
    const err = new StreamError('policy-violation', 'too big');
    assert.equal(err.code, 'policy-violation');
    assert.equal(err.condition, 'policy-violation');
    assert.equal(err.text, 'too big');
    assert.equal(err.name, 'StreamError');
    assert.ok(err instanceof Error);
  });

  it('lists all 25 RFC 6120 §4.9.3 conditions', () => {
    assert.equal(new Set(STREAM_ERROR_CONDITIONS).size, 25);
  });
});

describe('streamErrorXml', () => {
  it('relies on the stream header for the prefix over TCP', () => {
    assert.equal(
      streamErrorXml('host-unknown'),
      '<stream:error><host-unknown xmlns="urn:ietf:params:xml:ns:xmpp-streams"/></stream:error>',
    );
  });

  it('declares the prefix over WebSocket and escapes the text', () => {
    const text = streamErrorXml('policy-violation', 'a <b> & c', { websocket: true });
    assert.equal(
      text,
      '<stream:error xmlns:stream="http://etherx.jabber.org/streams">' +
        '<policy-violation xmlns="urn:ietf:params:xml:ns:xmpp-streams"/>' +
        '<text xmlns="urn:ietf:params:xml:ns:xmpp-streams" xml:lang="en">a &lt;b&gt; &amp; c</text>' +
        '</stream:error>',
    );
    // RFC 7395 §3.3.3: each message parses on its own.
    const frame = parseFrame(text, 8192);
    assert.equal(frame.kind === 'stanza' && frame.element.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-streams'), 'a <b> & c');
  });
});

describe('defaultErrorType', () => {
  it('follows the RFC 6120 §8.3.3 table', () => {
    for (const c of ['bad-request', 'jid-malformed', 'not-acceptable', 'policy-violation', 'redirect'] as const) {
      assert.equal(defaultErrorType(c), 'modify', c);
    }
    for (const c of ['forbidden', 'not-authorized', 'registration-required', 'subscription-required'] as const) {
      assert.equal(defaultErrorType(c), 'auth', c);
    }
    for (const c of ['recipient-unavailable', 'remote-server-timeout', 'resource-constraint', 'unexpected-request'] as const) {
      assert.equal(defaultErrorType(c), 'wait', c);
    }
    for (const c of [
      'conflict', 'feature-not-implemented', 'gone', 'internal-server-error', 'item-not-found',
      'not-allowed', 'remote-server-not-found', 'service-unavailable', 'undefined-condition',
    ] as const) {
      assert.equal(defaultErrorType(c), 'cancel', c);
    }
  });
});

describe('stanzaError', () => {
  const request = xml(
    'iq',
    { xmlns: 'jabber:client', type: 'get', id: 'q1', from: 'a@example.com/r', to: 'b@example.com', 'xml:lang': 'en' },
    xml('query', { xmlns: 'urn:example:private' }, xml('secret', {}, 'payload')),
  );

  it('swaps the addresses, keeps id and name, and does not echo the payload', () => {
    assert.equal(
      stanzaError(request, 'service-unavailable').toString(),
      '<iq xmlns="jabber:client" id="q1" to="a@example.com/r" from="b@example.com" type="error">' +
        '<error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>',
    );
  });

  it('takes an explicit type, a text and a by', () => {
    const reply = stanzaError(request, 'not-acceptable', { type: 'cancel', text: 'blocked', by: 'example.com' });
    const error = reply.getChild('error');
    assert.deepEqual(error?.attrs, { type: 'cancel', by: 'example.com' });
    assert.equal(error?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas'), 'blocked');
    assert.ok(error?.getChild('not-acceptable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
  });

  it('leaves out addresses the original did not have', () => {
    const reply = stanzaError(xml('message', { id: 'm' }), 'bad-request');
    assert.deepEqual(reply.attrs, { id: 'm', type: 'error' });
  });
});

describe('SaslFailure', () => {
  it('carries the condition as its machine code', () => {
    const err = new SaslFailure('not-authorized');
    assert.equal(err.code, 'not-authorized');
    assert.equal(err.condition, 'not-authorized');
    assert.ok(err instanceof Error);
  });
});
