/**
 * XEP-0388 SASL2, XEP-0386 Bind 2 and XEP-0484 FAST on the wire, one test per
 * server-side MUST (cited by XEP and section: XEP-0388 1.0.4, XEP-0386 1.1.0, XEP-0484 0.2.0), on raw sockets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { request } from '@gatehouse/bus';
import { RawXmppClient } from '@gatehouse/testing';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';
import { htInitialResponse, htResponderProof, plainAuthenticate, plainResponse, scramExchange, securedClient, userAgent } from './test-support/raw-session.ts';

let stack: TestStack;
let port: number;

before(async () => {
  stack = await startStack();
  port = stack.gateways[0]!.ports.c2s;
});
after(() => stack.stop());

const FAILURE = (condition: string) => `<failure xmlns='urn:xmpp:sasl:2'><${condition} xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`;
const FEATURES = /<\/stream:features>|<stream:features\/>/;
const attr = (xml: string, name: string) => new RegExp(`${name}='([^']*)'`).exec(xml)?.[1];

async function account(): Promise<string> {
  const user = uniqueUser();
  await stack.createAccount(user, 'pw');
  return user;
}

describe('SASL2 advertisement (XEP-0388)', () => {
  it('is not offered before TLS (XEP-0388 §3)', async () => {
    const client = await RawXmppClient.connect(port);
    client.open();
    assert.doesNotMatch(await client.expect(FEATURES), /urn:xmpp:sasl:2/);
    client.close();
  });

  it('lists mechanisms, inline Bind 2 and FAST after TLS (XEP-0388 §2.1, XEP-0386 §3.1, XEP-0484 §3.1)', async () => {
    const { client, features } = await securedClient(port);
    assert.match(features, /<authentication xmlns='urn:xmpp:sasl:2'><mechanism>SCRAM-SHA-256<\/mechanism><mechanism>SCRAM-SHA-1<\/mechanism><mechanism>PLAIN<\/mechanism><inline><bind xmlns='urn:xmpp:bind:0'\/><fast xmlns='urn:xmpp:fast:0'><mechanism>HT-SHA-256-NONE<\/mechanism><mechanism>HT-SHA-256-ENDP<\/mechanism><\/fast><\/inline><\/authentication>/);
    client.close();
  });

  it('offers the same list whatever the header from says (XEP-0388 §2.1, §3)', async () => {
    const user = await account();
    const strip = (features: string) => features.replace(/id='[^']*'/, '').replace(/ to='[^']*'/, '');
    const lists = [];
    for (const from of [` from='${user}@localhost'`, ` from='nobody-${user}@localhost'`, '']) {
      const { client, features } = await securedClient(port, from);
      lists.push(strip(features));
      client.close();
    }
    assert.equal(lists[0], lists[1]);
    assert.equal(lists[1], lists[2]);
  });

  it('refuses a header from another domain with invalid-from (XEP-0388 §2.1)', async () => {
    const client = await RawXmppClient.connect(port);
    client.open('localhost', " from='someone@other.example'");
    assert.match(await client.expect(/<\/stream:stream>/), /<invalid-from xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  });
});

describe('SASL2 exchange (XEP-0388)', () => {
  it('fails an unadvertised mechanism with invalid-mechanism (XEP-0388 §2.3)', async () => {
    const { client } = await securedClient(port);
    client.send("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='X-DOES-NOT-EXIST'/>");
    assert.match(await client.expect(/<\/failure>/), new RegExp(FAILURE('invalid-mechanism')));
    client.close();
  });

  it('fails PLAIN with an authzid that is not the user (XEP-0388 §2.3, §4.4)', async () => {
    const user = await account();
    const { client } = await securedClient(port, ` from='${user}@localhost'`);
    client.send(`<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>${plainResponse(user, 'pw', 'not-alice@localhost')}</initial-response></authenticate>`);
    assert.match(await client.expect(/<\/failure>/), /<failure xmlns='urn:xmpp:sasl:2'>/);
    client.close();
  });

  it('disconnects on whitespace while a challenge is outstanding (XEP-0388 §2.4)', async () => {
    const { client } = await securedClient(port);
    client.send("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'/>");
    await client.expect(/<challenge/);
    client.send(' ');
    await client.waitClosed();
  });

  it('disconnects on a stanza while a challenge is outstanding (XEP-0388 §2.4)', async () => {
    const { client } = await securedClient(port);
    client.send("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='SCRAM-SHA-256'><initial-response>biwsbj11c2VyLHI9YWJjZGVm</initial-response></authenticate>");
    await client.expect(/<challenge/);
    client.send('<presence/>');
    await client.waitClosed();
  });

  it('success names the bare JID and is followed at once by features, with no restart (XEP-0388 §2.6.1)', async () => {
    const user = await account();
    const { client } = await securedClient(port);
    client.send(plainAuthenticate(user, 'pw'));
    const reply = await client.expect(FEATURES);
    assert.match(reply, new RegExp(`^<success xmlns='urn:xmpp:sasl:2'><authorization-identifier>${user}@localhost</authorization-identifier></success><stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>`));
    client.send("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r</resource></bind></iq>");
    assert.match(await client.expect(/<\/iq>/), new RegExp(`<jid>${user}@localhost/r</jid>`));
    client.close();
  });

  it('SCRAM server-final comes in additional-data (XEP-0388 §2.6.1)', async () => {
    const user = await account();
    const { client } = await securedClient(port);
    const { outcome, serverSignature } = await scramExchange(client, user, 'pw', 'sasl2');
    const additional = /<additional-data>([^<]+)</.exec(outcome)?.[1] ?? '';
    assert.equal(Buffer.from(additional, 'base64').toString(), `v=${serverSignature}`);
    client.close();
  });

  it('a wrong password fails with one RFC 6120 condition and the stream stays usable (XEP-0388 §2.6, §2.6.2)', async () => {
    const user = await account();
    const { client } = await securedClient(port);
    client.send(plainAuthenticate(user, 'wrong'));
    assert.equal(await client.expect(/<\/failure>/), `${FAILURE('not-authorized')}</failure>`);
    client.send(plainAuthenticate(user, 'pw'));
    assert.match(await client.expect(/<\/success>/), /<success xmlns='urn:xmpp:sasl:2'>/);
    client.close();
  });

  it('a failed attempt binds nothing and issues no token (XEP-0388 §2.6.2, XEP-0386 §3.2, XEP-0484 §3.3)', async () => {
    const user = await account();
    const { client } = await securedClient(port);
    const inline = `${userAgent(randomUUID())}<bind xmlns='urn:xmpp:bind:0'><tag>phone</tag></bind><request-token xmlns='urn:xmpp:fast:0' mechanism='HT-SHA-256-NONE'/>`;
    client.send(plainAuthenticate(user, 'wrong', inline));
    const failure = await client.expect(/<\/failure>/);
    assert.doesNotMatch(failure, /token|bound/);
    client.send(plainAuthenticate(user, 'pw'));
    const success = await client.expect(FEATURES);
    assert.match(success, new RegExp(`<authorization-identifier>${user}@localhost</authorization-identifier>`));
    assert.doesNotMatch(success, /<token|<bound/);
    client.close();
  });

  it('another <authenticate/> after success is a stream error (XEP-0388 §4.8)', async () => {
    const user = await account();
    const { client } = await securedClient(port);
    client.send(plainAuthenticate(user, 'pw'));
    await client.expect(FEATURES);
    client.send(plainAuthenticate(user, 'pw'));
    assert.match(await client.expect(/<\/stream:stream>/), /<stream:error>/);
  });

  it('<abort/> ends the attempt with aborted (XEP-0388 §4.5)', async () => {
    const { client } = await securedClient(port);
    client.send("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'/>");
    await client.expect(/<challenge/);
    client.send("<abort xmlns='urn:xmpp:sasl:2'/>");
    assert.match(await client.expect(/<\/failure>/), new RegExp(FAILURE('aborted')));
    client.close();
  });
});

describe('Bind 2 (XEP-0386)', () => {
  it('binds before success, as tag~hash, the same for the same client, never the client id (XEP-0386 §3.2, §3.2.1)', async () => {
    const user = await account();
    const clientId = randomUUID();
    const resources: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { client } = await securedClient(port);
      client.send(plainAuthenticate(user, 'pw', `${userAgent(clientId)}<bind xmlns='urn:xmpp:bind:0'><tag>Conversations</tag></bind>`));
      const reply = await client.expect(FEATURES);
      assert.match(reply, /^<success xmlns='urn:xmpp:sasl:2'><bound xmlns='urn:xmpp:bind:0'\/><authorization-identifier>/);
      assert.match(reply, /<stream:features\/>$/, 'nothing left to negotiate after Bind 2');
      const jid = /<authorization-identifier>([^<]+)</.exec(reply)![1]!;
      resources.push(jid.slice(jid.indexOf('/') + 1));
      client.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(resources[0]!, /^Conversations~[A-Za-z0-9_-]{12}$/);
    assert.equal(resources[0], resources[1]);
    assert.ok(!resources[0]!.includes(clientId));
  });

  it('a second login of the same client replaces the first session (XEP-0386 §3.2)', async () => {
    const user = await account();
    const clientId = randomUUID();
    const inline = `${userAgent(clientId)}<bind xmlns='urn:xmpp:bind:0'><tag>t</tag></bind>`;
    const first = await securedClient(port);
    first.client.send(plainAuthenticate(user, 'pw', inline));
    await first.client.expect(FEATURES);
    const second = await securedClient(stack.gateways[0]!.ports.c2s);
    second.client.send(plainAuthenticate(user, 'pw', inline));
    await second.client.expect(FEATURES);
    assert.match(await first.client.expect(/<\/stream:stream>/), /<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
    second.client.close();
  });
});

describe('FAST (XEP-0484)', () => {
  async function passwordLoginWithToken(user: string, clientId: string, mechanism = 'HT-SHA-256-NONE'): Promise<{ token: string; expiry: string }> {
    const { client } = await securedClient(port);
    client.send(plainAuthenticate(user, 'pw', `${userAgent(clientId)}<request-token xmlns='urn:xmpp:fast:0' mechanism='${mechanism}'/>`));
    const reply = await client.expect(FEATURES);
    client.close();
    const tokenElement = /<token xmlns='urn:xmpp:fast:0'[^>]*\/>/.exec(reply)?.[0];
    assert.ok(tokenElement, `a token in ${reply}`);
    return { token: attr(tokenElement, 'token')!, expiry: attr(tokenElement, 'expiry')! };
  }

  async function fastLogin(user: string, clientId: string, token: string, opts: { mechanism?: string; inline?: string; cb?: Buffer } = {}) {
    const mechanism = opts.mechanism ?? 'HT-SHA-256-NONE';
    const { client } = await securedClient(port);
    client.send(`<authenticate xmlns='urn:xmpp:sasl:2' mechanism='${mechanism}'><initial-response>${htInitialResponse(user, token, opts.cb)}</initial-response>${userAgent(clientId)}<fast xmlns='urn:xmpp:fast:0'${opts.inline ?? ''}/></authenticate>`);
    const reply = await client.expect(/<\/stream:features>|<stream:features\/>|<\/failure>/);
    return { client, reply };
  }

  it('issues a token with token and expiry attributes inside <success> (XEP-0484 §3.3)', async () => {
    const user = await account();
    const { token, expiry } = await passwordLoginWithToken(user, randomUUID());
    assert.ok(token.length >= 32);
    const days = (Date.parse(expiry) - Date.now()) / 86_400_000;
    assert.ok(days > 20 && days <= 21.01, `expiry ${expiry} is about 21 days away`);
  });

  it('logs in with HT-SHA-256-NONE and proves the server with additional-data', async () => {
    const user = await account();
    const clientId = randomUUID();
    const { token } = await passwordLoginWithToken(user, clientId);
    const { client, reply } = await fastLogin(user, clientId, token);
    assert.match(reply, /<success xmlns='urn:xmpp:sasl:2'>/);
    assert.equal(/<additional-data>([^<]+)</.exec(reply)?.[1], htResponderProof(token));
    client.close();
  });

  it('logs in with HT-SHA-256-ENDP bound to the server certificate', async () => {
    const user = await account();
    const clientId = randomUUID();
    const { token } = await passwordLoginWithToken(user, clientId, 'HT-SHA-256-ENDP');
    const probe = await securedClient(port);
    const certificate = (probe.client as unknown as { socket: { getPeerCertificate(detailed: boolean): { raw: Buffer } } }).socket.getPeerCertificate(true).raw;
    probe.client.close();
    const cb = createHash('sha256').update(certificate).digest();
    const ok = await fastLogin(user, clientId, token, { mechanism: 'HT-SHA-256-ENDP', cb });
    assert.match(ok.reply, /<success/);
    ok.client.close();
  });

  it('refuses a token under another mechanism (XEP-0484 §3.4)', async () => {
    const user = await account();
    const clientId = randomUUID();
    const { token } = await passwordLoginWithToken(user, clientId, 'HT-SHA-256-ENDP');
    const { client, reply } = await fastLogin(user, clientId, token, { mechanism: 'HT-SHA-256-NONE' });
    assert.match(reply, /<failure xmlns='urn:xmpp:sasl:2'>/);
    client.close();
  });

  it('invalidate issues nothing, and the token then fails with credentials-expired on a usable stream (XEP-0484 §3.6, §4.2)', async () => {
    const user = await account();
    const clientId = randomUUID();
    const { token } = await passwordLoginWithToken(user, clientId);
    const first = await fastLogin(user, clientId, token, { inline: " invalidate='1'" });
    assert.match(first.reply, /<success/);
    assert.doesNotMatch(first.reply, /<token/);
    first.client.close();
    const again = await fastLogin(user, clientId, token);
    assert.match(again.reply, new RegExp(FAILURE('credentials-expired')));
    again.client.send(plainAuthenticate(user, 'pw', userAgent(clientId)));
    assert.match(await again.client.expect(/<\/success>/), /<success/);
    again.client.close();
  });

  it('fails a wrong proof with not-authorized', async () => {
    const user = await account();
    const clientId = randomUUID();
    await passwordLoginWithToken(user, clientId);
    const { client, reply } = await fastLogin(user, clientId, 'secret-token:not-the-token');
    assert.match(reply, new RegExp(FAILURE('not-authorized')));
    client.close();
  });

  it('a password change makes every token fail with credentials-expired', async () => {
    const user = await account();
    const clientId = randomUUID();
    const { token } = await passwordLoginWithToken(user, clientId);
    await request(stack.nc, `${stack.ns}.token.account.password`, { jid: `${user}@localhost`, password: 'pw' });
    const { client, reply } = await fastLogin(user, clientId, token);
    assert.match(reply, new RegExp(FAILURE('credentials-expired')));
    client.close();
  });

  it('a FAST attempt without a client id is malformed (XEP-0484 §4.1)', async () => {
    const user = await account();
    const { client } = await securedClient(port);
    client.send(`<authenticate xmlns='urn:xmpp:sasl:2' mechanism='HT-SHA-256-NONE'><initial-response>${htInitialResponse(user, 'x')}</initial-response><fast xmlns='urn:xmpp:fast:0'/></authenticate>`);
    assert.match(await client.expect(/<\/failure>/), new RegExp(FAILURE('malformed-request')));
    client.close();
  });
});

describe('ENFORCE_CLIENT_IDS', () => {
  let strict: TestStack;
  before(async () => {
    strict = await startStack({ env: { ENFORCE_CLIENT_IDS: 'true' } });
  });
  after(() => strict.stop());

  it('offers no legacy SASL and refuses a login without a user-agent id', async () => {
    const user = uniqueUser();
    await strict.createAccount(user, 'pw');
    const { client, features } = await securedClient(strict.gateways[0]!.ports.c2s);
    assert.doesNotMatch(features, /urn:ietf:params:xml:ns:xmpp-sasl/);
    client.send(plainAuthenticate(user, 'pw'));
    assert.equal(
      await client.expect(/<\/failure>/),
      `${FAILURE('malformed-request')}<text>Client identifier required but not supplied</text></failure>`,
    );
    client.send(plainAuthenticate(user, 'pw', userAgent(randomUUID())));
    assert.match(await client.expect(/<\/success>/), /<success/);
    client.close();
  });
});
