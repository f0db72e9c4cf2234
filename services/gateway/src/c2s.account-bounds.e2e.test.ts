/**
 * What one login can make the cluster keep, on the wire. C2S_MAX_RESOURCES_PER_ACCOUNT, across two replicas: a bind past the limit
 * gets `resource-constraint` (RFC 6120 §7.6.2.1, type wait), in a legacy bind result and
 * in the Bind 2 `<failed/>` of a SASL2 `<success>` (XEP-0386); taking over a resource
 * the account holds already, or binding after one left, still works.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RawXmppClient } from '@gatehouse/testing';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';
import { plainAuthenticate, securedClient, userAgent } from './test-support/raw-session.ts';

const LIMIT = 2;
let stack: TestStack;

before(async () => {
  stack = await startStack({ gateways: 2, env: { C2S_MAX_RESOURCES_PER_ACCOUNT: String(LIMIT) } });
});
after(() => stack.stop());

/** SASL2 PLAIN (no Bind 2) on a replica, then an RFC 6120 bind of `resource`: the bind answer. */
async function legacyBind(gateway: number, user: string, resource: string): Promise<{ client: RawXmppClient; reply: string }> {
  const { client } = await securedClient(stack.gateways[gateway]!.ports.c2s);
  client.send(plainAuthenticate(user, 'pw'));
  await client.expect(/<\/stream:features>/);
  client.send(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`);
  return { client, reply: await client.expect(/<\/iq>/) };
}

describe('resources per account (C2S_MAX_RESOURCES_PER_ACCOUNT)', () => {
  it('refuses a bind past the limit on any replica, and binds again once a resource is taken over or gone', async () => {
    const user = uniqueUser('many');
    await stack.createAccount(user, 'pw');
    const one = await legacyBind(0, user, 'one');
    const two = await legacyBind(1, user, 'two');
    assert.match(one.reply, /type='result'/);
    assert.match(two.reply, /type='result'/);
    // An IQ from replica 0 reaching `two` shows replica 0's route mirror holds it.
    one.client.send(`<iq type='get' id='seen' to='${user}@localhost/two'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await two.client.expect(/id='seen'/);

    const three = await legacyBind(0, user, 'three');
    assert.match(three.reply, /type='error'[\s\S]*<error type='wait'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'\/>/);
    three.client.close();

    // §7.7.2.2: the same resource again replaces its session, so it is not one more.
    const again = await legacyBind(0, user, 'one');
    assert.match(again.reply, new RegExp(`<jid>${user}@localhost/one</jid>`));
    await one.client.expect(/<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);

    again.client.send('</stream:stream>');
    await again.client.expect(/<\/stream:stream>/);
    const after = await legacyBind(0, user, 'four');
    assert.match(after.reply, new RegExp(`<jid>${user}@localhost/four</jid>`));
    for (const client of [two.client, after.client]) client.close();
  });

  it('answers a Bind 2 request past the limit with <failed/> carrying resource-constraint, and still authenticates', async () => {
    const user = uniqueUser('bind2');
    await stack.createAccount(user, 'pw');
    const held = [await legacyBind(0, user, 'a'), await legacyBind(0, user, 'b')];
    const { client } = await securedClient(stack.gateways[0]!.ports.c2s);
    client.send(plainAuthenticate(user, 'pw', `${userAgent('4f3c6a52-0d3e-4b8e-9a55-3f1f8d3a9c11')}<bind xmlns='urn:xmpp:bind:0'><tag>extra</tag></bind>`));
    const success = await client.expect(/<\/stream:features>|<stream:features\/>/);
    assert.match(success, /<success xmlns='urn:xmpp:sasl:2'>/);
    assert.match(success, /<failed xmlns='urn:xmpp:bind:0'><error type='wait'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'\/>/);
    assert.match(success, new RegExp(`<authorization-identifier>${user}@localhost</authorization-identifier>`));
    for (const { client: other } of held) other.close();
    client.close();
  });
});

describe('SASL2 user-agent bounds (XEP-0388)', () => {
  it('refuses a user-agent id over 256 bytes of UTF-8 with malformed-request, and accepts one of 256', async () => {
    const user = uniqueUser('agent');
    await stack.createAccount(user, 'pw');
    for (const [id, outcome] of [
      ['€'.repeat(100), /<failure xmlns='urn:xmpp:sasl:2'><malformed-request xmlns='urn:ietf:params:xml:ns:xmpp-sasl'\/>/],
      ['x'.repeat(256), /<success xmlns='urn:xmpp:sasl:2'>/],
    ] as const) {
      const { client } = await securedClient(stack.gateways[0]!.ports.c2s);
      client.send(plainAuthenticate(user, 'pw', userAgent(id)));
      assert.match(await client.expect(/<\/failure>|<\/success>/), outcome);
      client.close();
    }
  });
});
