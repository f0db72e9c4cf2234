/**
 * RFC 6120 on the wire, byte for byte: stream headers, STARTTLS, SASL, binding and the
 * stream errors the issue lists. Raw sockets, because a client library hides these.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawXmppClient } from '@gatehouse/testing';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';
import { plainResponse, scramExchange, securedClient as securedTo } from './test-support/raw-session.ts';

let stack: TestStack;
let port: number;
let tlsPort: number;

before(async () => {
  stack = await startStack();
  port = stack.gateways[0]!.ports.c2s;
  tlsPort = stack.gateways[0]!.ports.c2sTls;
});
after(() => stack.stop());

const securedClient = () => securedTo(port);

async function loginScram(client: RawXmppClient, user: string, password: string): Promise<string> {
  return (await scramExchange(client, user, password)).outcome;
}

describe('stream setup (RFC 6120 §4)', () => {
  it('answers a header with from, a fresh id, version 1.0, then features requiring STARTTLS', async () => {
    const client = await RawXmppClient.connect(port);
    client.open('localhost', " from='someone@localhost'");
    const reply = await client.expect(/<\/stream:features>/);
    assert.match(reply, /<stream:stream [^>]*from='localhost'/);
    assert.match(reply, /to='someone@localhost'/);
    assert.match(reply, /version='1.0'/);
    const id = /id='([^']+)'/.exec(reply)?.[1] ?? '';
    assert.ok(Buffer.from(id, 'base64url').length >= 16, 'stream id carries at least 128 bits');
    assert.match(reply, /<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required\/><\/starttls>/);
    assert.doesNotMatch(reply, /mechanisms/, 'no SASL before TLS');
    client.close();
  });

  it('offers SCRAM-SHA-256, SCRAM-SHA-1 and PLAIN after TLS, with a new stream id', async () => {
    const { client, features } = await securedClient();
    assert.match(features, /<mechanism>SCRAM-SHA-256<\/mechanism><mechanism>SCRAM-SHA-1<\/mechanism><mechanism>PLAIN<\/mechanism>/);
    assert.doesNotMatch(features, /starttls/);
    client.close();
  });

  it('answers an unknown domain with the header, then host-unknown, then the close', async () => {
    const client = await RawXmppClient.connect(port);
    client.open('nosuch.example');
    const reply = await client.expect(/<\/stream:stream>/);
    assert.match(reply, /<stream:stream [^>]*from='localhost'[\s\S]*<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
    await client.waitClosed();
  });

  it('closes on malformed XML with not-well-formed', async () => {
    const client = await RawXmppClient.connect(port);
    client.open();
    await client.expect(/<\/stream:features>/);
    client.send('<message><body>unclosed</message>');
    const reply = await client.expect(/<\/stream:stream>/);
    assert.match(reply, /<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
    await client.waitClosed();
  });

  for (const [what, payload] of [
    ['a DTD', "<!DOCTYPE foo [<!ENTITY x 'y'>]>"],
    ['a processing instruction', "<?evil data?>"],
    ['a comment', '<!-- hi -->'],
  ] as const) {
    it(`answers ${what} with restricted-xml`, async () => {
      const client = await RawXmppClient.connect(port);
      client.open();
      await client.expect(/<\/stream:features>/);
      client.send(payload);
      const reply = await client.expect(/<\/stream:stream>/);
      assert.match(reply, /<restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
      await client.waitClosed();
    });
  }

  it('refuses anything but STARTTLS before TLS with not-authorized', async () => {
    const client = await RawXmppClient.connect(port);
    client.open();
    await client.expect(/<\/stream:features>/);
    client.send("<message to='a@localhost'><body>hi</body></message>");
    const reply = await client.expect(/<\/stream:stream>/);
    assert.match(reply, /<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  });

  it('answers <auth/> before TLS with encryption-required, and closes after C2S_MAX_AUTH_FAILURES of them', async () => {
    const client = await RawXmppClient.connect(port);
    client.open();
    await client.expect(/<\/stream:features>/);
    const auth = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>";
    for (let attempt = 1; attempt < 3; attempt++) {
      client.send(auth);
      await client.expect(/<encryption-required\/><\/failure>/);
    }
    client.send(auth);
    await client.expect(/<\/stream:stream>/);
  });

  it('refuses stanzas after TLS but before SASL with not-authorized', async () => {
    const { client } = await securedClient();
    client.send("<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>");
    const reply = await client.expect(/<\/stream:stream>/);
    assert.match(reply, /<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  });

  it('closes a stanza over 8 KiB before authentication with policy-violation', async () => {
    const { client } = await securedClient();
    client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${'A'.repeat(9 * 1024)}</auth>`);
    const reply = await client.expect(/<\/stream:stream>/);
    assert.match(reply, /<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  });

  it('speaks direct TLS on the TLS port', async () => {
    const client = await RawXmppClient.connect(tlsPort, { tls: true });
    client.open();
    const reply = await client.expect(/<\/stream:features>/);
    assert.match(reply, /<mechanism>SCRAM-SHA-256<\/mechanism>/);
    client.close();
  });
});

describe('SASL (RFC 6120 §6)', () => {
  it('logs in with SCRAM-SHA-256 and restarts the stream with bind offered', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'correct horse');
    const { client } = await securedClient();
    const outcome = await loginScram(client, user, 'correct horse');
    assert.match(outcome, /<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[A-Za-z0-9+/=]+<\/success>/);
    client.open();
    const features = await client.expect(/<\/stream:features>/);
    assert.match(features, /<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'\/>/);
    assert.doesNotMatch(features, /mechanisms/);
    client.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>desk</resource></bind></iq>");
    const bound = await client.expect(/<\/iq>/);
    assert.match(bound, new RegExp(`<jid>${user}@localhost/desk</jid>`));
    client.send("<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
    assert.match(await client.expect(/id='s1'/), /type='result'/);
    client.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
    assert.match(await client.expect(/id='p1'/), /type='result'/);
    client.send("<iq type='get' id='d1' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
    const disco = await client.expect(/<\/iq>/);
    assert.match(disco, /<identity category='server' type='im'/);
    assert.match(disco, /var='urn:xmpp:ping'/);
    client.send('</stream:stream>');
    await client.expect(/<\/stream:stream>/);
    await client.waitClosed();
  });

  it('gives the same not-authorized for a wrong password and an unknown account', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'right');
    const wrong = await securedClient();
    const unknown = await securedClient();
    assert.equal(wrong.features, unknown.features.replace(/id='[^']+'/, /id='[^']+'/.exec(wrong.features)![0]));
    const [a, b] = await Promise.all([loginScram(wrong.client, user, 'wrong'), loginScram(unknown.client, uniqueUser('ghost'), 'wrong')]);
    assert.equal(a, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
    assert.equal(b, a);
    wrong.client.close();
    unknown.client.close();
  });

  it('logs in with PLAIN over TLS and slows down repeated failures', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const { client } = await securedClient();
    const plain = (password: string) => Buffer.from(`\0${user}\0${password}`).toString('base64');
    const started = Date.now();
    client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain('bad1')}</auth>`);
    await client.expect(/<\/failure>/);
    client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain('bad2')}</auth>`);
    await client.expect(/<\/failure>/);
    assert.ok(Date.now() - started >= 250, 'the attempt after a failure is held');
    // The hold comes before the outcome, so the right password waits as a wrong one would.
    client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain('pw')}</auth>`);
    assert.match(await client.expect(/<success/), /<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/);
    assert.ok(Date.now() - started >= 250 + 500, 'the attempt after the second failure waits longer than the first');
    client.close();
  });

  it('answers an unknown mechanism, bad base64 and abort with their SASL conditions', async () => {
    const { client } = await securedClient();
    client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='DIGEST-MD5'/>");
    assert.match(await client.expect(/<\/failure>/), /<invalid-mechanism\/>/);
    client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>***</auth>");
    assert.match(await client.expect(/<\/failure>/), /<incorrect-encoding\/>/);
    client.send("<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    assert.match(await client.expect(/<\/failure>/), /<aborted\/>/);
    client.close();
  });
});

describe('authentication deadline', () => {
  let quick: TestStack;
  before(async () => {
    quick = await startStack({ env: { C2S_AUTH_TIMEOUT_MS: '1500' } });
  });
  after(() => quick.stop());

  it('disconnects a client that never authenticates', async () => {
    const client = await RawXmppClient.connect(quick.gateways[0]!.ports.c2s);
    client.open();
    await client.expect(/<\/stream:features>/);
    const started = Date.now();
    const reply = await client.expect(/<\/stream:stream>/, 5_000);
    assert.match(reply, /<connection-timeout xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
    assert.ok(Date.now() - started >= 1_000);
    await client.waitClosed();
  });
});

describe('an authenticated stream (RFC 6120 §7, §8)', () => {
  /** A new account logged in with PLAIN over TLS, at the restarted stream's features. */
  async function authenticatedClient(): Promise<{ client: RawXmppClient; user: string }> {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const { client } = await securedClient();
    client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(user, 'pw')}</auth>`);
    await client.expect(/<success/);
    client.open();
    await client.expect(/<\/stream:features>/);
    return { client, user };
  }

  /** PLAIN over TLS, then a bound resource: the shortest way to a usable stream. */
  async function boundClient(resource = 'r'): Promise<{ client: RawXmppClient; jid: string }> {
    const { client, user } = await authenticatedClient();
    client.send(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`);
    await client.expect(/<\/iq>/);
    return { client, jid: `${user}@localhost/${resource}` };
  }

  it('refuses a stanza before binding with not-authorized', async () => {
    const { client } = await authenticatedClient();
    client.send("<message to='someone@localhost'><body>too early</body></message>");
    assert.match(await client.expect(/<\/stream:stream>/), /<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  });

  it('closes a stanza over 256 KiB with policy-violation', async () => {
    const { client } = await boundClient();
    client.send(`<message to='nobody@localhost'><body>${'x'.repeat(257 * 1024)}</body></message>`);
    assert.match(await client.expect(/<\/stream:stream>/), /<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  });

  it('accepts a large stanza under the limit after authentication', async () => {
    const { client } = await boundClient();
    client.send(`<message to='nobody-at-all@localhost' id='big'><body>${'x'.repeat(100 * 1024)}</body></message>`);
    assert.match(await client.expect(/id='big'/), /<service-unavailable/);
    client.close();
  });

  it('answers an unknown top-level element with unsupported-stanza-type', async () => {
    const { client } = await boundClient();
    client.send('<foo/>');
    assert.match(await client.expect(/<\/stream:stream>/), /<unsupported-stanza-type xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  });

  it('answers a forged from with invalid-from', async () => {
    const { client } = await boundClient();
    client.send("<message from='someone-else@localhost/x' to='a@localhost'><body>hi</body></message>");
    assert.match(await client.expect(/<\/stream:stream>/), /<invalid-from xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  });

  it('answers a malformed IQ with bad-request and a bad address with jid-malformed', async () => {
    const { client } = await boundClient();
    client.send("<iq type='get' id='two'><ping xmlns='urn:xmpp:ping'/><ping xmlns='urn:xmpp:ping'/></iq>");
    assert.match(await client.expect(/id='two'/), /type='error'[\s\S]*<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'\/>/);
    client.send("<message to='a@b@localhost' id='bad'><body>x</body></message>");
    assert.match(await client.expect(/id='bad'/), /<jid-malformed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'\/>/);
    client.send("<message to='someone@elsewhere.example' id='remote'><body>x</body></message>");
    assert.match(await client.expect(/id='remote'/), /<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'\/>/);
    client.send("<iq type='result' id='unsolicited'/>");
    client.send("<iq type='get' id='after'><ping xmlns='urn:xmpp:ping'/></iq>");
    const reply = await client.expect(/id='after'/);
    assert.doesNotMatch(reply, /unsolicited/, 'a result is never answered (RFC 6120 §8.2.3)');
    client.close();
  });

  it('gives a server-generated resource when the client asks for none', async () => {
    const { client, user } = await authenticatedClient();
    client.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
    assert.match(await client.expect(/<\/iq>/), new RegExp(`<jid>${user}@localhost/[A-Za-z0-9_-]{8,}</jid>`));
    client.close();
  });

  it('answers whitespace keepalives with nothing and keeps the stream', async () => {
    const { client } = await boundClient();
    client.send('   \n  ');
    client.send("<iq type='get' id='alive'><ping xmlns='urn:xmpp:ping'/></iq>");
    assert.match(await client.expect(/id='alive'/), /type='result'/);
    client.close();
  });
});
