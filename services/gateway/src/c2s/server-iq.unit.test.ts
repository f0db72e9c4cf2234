import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import { answerServerIq, iqShapeError } from './server-iq.ts';
import { featuresXml, mechanismsFor } from './features.ts';
import { parsePriority } from './presence.ts';

const iq = (type: string, child?: ReturnType<typeof xml>, id = 'q1') => xml('iq', { type, id, from: 'a@localhost/r', to: 'localhost' }, ...(child ? [child] : []));

describe('server IQs', () => {
  it('answers XEP-0199 ping with an empty result', () => {
    const reply = answerServerIq(iq('get', xml('ping', { xmlns: 'urn:xmpp:ping' })), { kind: 'server' });
    assert.equal(reply?.attrs.type, 'result');
    assert.equal(reply?.attrs.id, 'q1');
    assert.equal(reply?.attrs.to, 'a@localhost/r');
  });

  it('answers disco#info for the server and for an account', () => {
    const query = xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' });
    const server = answerServerIq(iq('get', query), { kind: 'server' })!;
    assert.equal(server.getChild('query')?.getChild('identity')?.attrs.category, 'server');
    const account = answerServerIq(iq('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), { kind: 'account', bareJid: 'a@localhost' })!;
    assert.equal(account.getChild('query')?.getChild('identity')?.attrs.category, 'account');
  });

  it('answers an unknown namespace with service-unavailable and never answers results', () => {
    const reply = answerServerIq(iq('get', xml('query', { xmlns: 'urn:example:nothing' })), { kind: 'server' })!;
    assert.equal(reply.attrs.type, 'error');
    assert.ok(reply.getChild('error')?.getChild('service-unavailable'));
    assert.equal(answerServerIq(iq('result'), { kind: 'server' }), undefined);
    assert.equal(answerServerIq(iq('error'), { kind: 'server' }), undefined);
  });

  it('rejects IQs without exactly one child, an id or a valid type (RFC 6120 §8.2.3)', () => {
    assert.ok(iqShapeError(iq('get')));
    assert.ok(iqShapeError(iq('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), '')));
    assert.ok(iqShapeError(xml('iq', { type: 'bogus', id: '1' }, xml('ping'))));
    assert.equal(iqShapeError(iq('get', xml('ping', { xmlns: 'urn:xmpp:ping' }))), undefined);
  });
});

describe('stream features', () => {
  it('offers only required STARTTLS before TLS, SASL and SASL2 after, binding after SASL', () => {
    const sasl2 = "<authentication xmlns='urn:xmpp:sasl:2'/>";
    assert.equal(
      featuresXml({ canStartTls: true, authenticated: false, bound: false, mechanisms: [], sasl2: '' }),
      "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>",
    );
    const afterTls = featuresXml({ canStartTls: false, authenticated: false, bound: false, mechanisms: mechanismsFor(true), sasl2 });
    assert.match(afterTls, /<mechanism>PLAIN<\/mechanism>/);
    assert.match(afterTls, /urn:xmpp:sasl:2/);
    assert.doesNotMatch(featuresXml({ canStartTls: false, authenticated: false, bound: false, mechanisms: [], sasl2 }), /xmpp-sasl'/, 'no legacy SASL when client ids are enforced');
    assert.doesNotMatch(featuresXml({ canStartTls: false, authenticated: false, bound: false, mechanisms: mechanismsFor(false), sasl2: '' }), /PLAIN/);
    assert.match(featuresXml({ canStartTls: false, authenticated: true, bound: false, mechanisms: [], sasl2: '' }), /<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'\/>/);
    assert.equal(featuresXml({ canStartTls: false, authenticated: true, bound: true, mechanisms: [], sasl2: '' }), '<stream:features/>');
  });
});

describe('presence priority (RFC 6121 §4.7.2.3)', () => {
  it('reads -128..127 and treats anything else as 0', () => {
    assert.equal(parsePriority('5'), 5);
    assert.equal(parsePriority('-128'), -128);
    assert.equal(parsePriority('128'), 0);
    assert.equal(parsePriority('high'), 0);
    assert.equal(parsePriority(undefined), 0);
  });
});
