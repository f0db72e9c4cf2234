/**
 * A real third-party client (@xmpp/client 0.14) against two gateway replicas, over
 * STARTTLS, direct TLS and WebSocket (wss://); messages cross replicas through NATS.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectClient, xml, type ConnectedClient } from './test-support/xmpp-client.ts';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';

let stack: TestStack;
const clients: ConnectedClient[] = [];

before(async () => {
  stack = await startStack({ gateways: 2 });
});
after(async () => {
  await Promise.all(clients.map((client) => client.stop()));
  await stack.stop();
});

async function login(gateway: number, transport: 'starttls' | 'tls' | 'websocket', username: string, password: string, resource?: string, clientId?: string) {
  const ports = stack.gateways[gateway]!.ports;
  const service =
    transport === 'starttls' ? `xmpp://127.0.0.1:${ports.c2s}` : transport === 'tls' ? `xmpps://127.0.0.1:${ports.c2sTls}` : `wss://127.0.0.1:${ports.http}/xmpp-websocket`;
  const client = await connectClient({ service, username, password, resource, clientId });
  clients.push(client);
  return client;
}

describe('@xmpp/client interop', () => {
  for (const transport of ['starttls', 'tls', 'websocket'] as const) {
    it(`logs in and binds over ${transport}`, async () => {
      const user = uniqueUser();
      await stack.createAccount(user, 'secret');
      const client = await login(0, transport, user, 'secret', 'laptop');
      // Every transport is encrypted (wss:// too), so SASL2 + Bind 2 (XEP-0386):
      // `<tag>~<stable hash>`, never the client id itself.
      assert.match(client.jid, new RegExp(`^${user}@localhost/laptop~[A-Za-z0-9_-]{12}$`));
      const pong = await client.xmpp.iqCaller.request(xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
      assert.equal(pong.attrs.type, 'result');
      await client.stop();
    });
  }

  it('rejects a wrong password with not-authorized', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'secret');
    await assert.rejects(login(0, 'starttls', user, 'wrong'), (error: { condition?: string }) => error.condition === 'not-authorized');
  });

  it('delivers messages across replicas to a full JID and to a bare JID', async () => {
    const alice = uniqueUser('alice');
    const bob = uniqueUser('bob');
    await stack.createAccount(alice, 'a');
    await stack.createAccount(bob, 'b');
    const a = await login(0, 'starttls', alice, 'a', 'phone');
    const b = await login(1, 'websocket', bob, 'b', 'desk');

    await a.xmpp.send(xml('message', { to: b.jid, type: 'chat', id: 'm1' }, xml('body', {}, 'to your full JID')));
    const first = await b.next((s) => s.is('message') && s.attrs.id === 'm1');
    assert.equal(first.attrs.from, a.jid);
    assert.equal(first.getChildText('body'), 'to your full JID');

    // §8.5.2.1.1: a bare-JID message goes to an available resource: send initial presence first.
    await b.xmpp.send(xml('presence', {}, xml('priority', {}, '5')));
    await b.next((s) => s.is('presence') && s.attrs.from === b.jid);
    await a.xmpp.send(xml('message', { to: `${bob}@localhost`, type: 'chat', id: 'm2' }, xml('body', {}, 'to your bare JID')));
    const second = await b.next((s) => s.is('message') && s.attrs.id === 'm2');
    assert.equal(second.getChildText('body'), 'to your bare JID');

    await b.xmpp.send(xml('message', { to: a.jid, type: 'chat', id: 'm3' }, xml('body', {}, 'back across')));
    assert.equal((await a.next((s) => s.attrs.id === 'm3')).attrs.from, b.jid);
  });

  // A message to a user with no available resource is now kept offline (XEP-0160): im.e2e.test.ts.
  it('answers service-unavailable for an unknown user and an IQ to an absent resource', async () => {
    const alice = uniqueUser('alice');
    const bob = uniqueUser('bob');
    await stack.createAccount(alice, 'a');
    await stack.createAccount(bob, 'b');
    const a = await login(0, 'tls', alice, 'a');
    await a.xmpp.send(xml('message', { to: `nobody-${alice}@localhost`, id: 'u1' }, xml('body', {}, 'hi')));
    const unknown = await a.next((s) => s.attrs.id === 'u1');
    assert.equal(unknown.attrs.type, 'error');
    assert.ok(unknown.getChild('error')?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));


    await assert.rejects(
      a.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), `${bob}@localhost/nowhere`),
      (error: { condition?: string }) => error.condition === 'service-unavailable',
    );
  });

  it('replaces the older session when a resource is bound twice, across replicas', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    // One client id: Bind 2 (XEP-0386) derives the same full JID for both logins.
    const first = await login(0, 'websocket', user, 'pw', 'same', 'same-device');
    const closed = new Promise<string>((resolve) => first.xmpp.on('error', (error: { condition?: string }) => resolve(error.condition ?? 'closed')));
    const second = await login(1, 'websocket', user, 'pw', 'same', 'same-device');
    assert.equal(second.jid, first.jid);
    assert.match(second.jid, new RegExp(`^${user}@localhost/same~`));
    assert.equal(await closed, 'conflict');
    // The route now points at the second session.
    const other = uniqueUser();
    await stack.createAccount(other, 'pw');
    const sender = await login(0, 'websocket', other, 'pw');
    await sender.xmpp.send(xml('message', { to: second.jid, id: 'c1' }, xml('body', {}, 'still here?')));
    await second.next((s) => s.attrs.id === 'c1');
  });
});
