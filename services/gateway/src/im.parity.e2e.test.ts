/**
 * Details clients tested against Prosody rely on, on the wire: roster `ver` on every
 * result (RFC 6121 §2.6), unavailable presence reflected to its sender (§4.5.2),
 * XEP-0012 on one's own account, the account's disco#info (XEP-0030), and RFC 6120
 * §7.6 binding of the requested resource.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { xml } from './test-support/xmpp-client.ts';
import { startStack, type TestStack } from './test-support/stack.ts';
import { NS_ROSTER, bare, isPresence, login, newAccount, online, waitFor } from './test-support/im.ts';
import { plainAuthenticate, securedClient } from './test-support/raw-session.ts';

const NS_LAST = 'jabber:iq:last';

describe('Prosody-parity details', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ gateways: 2, clients: true });
  });
  after(() => stack.stop());

  it('puts ver on every roster result while versioning is advertised, also without a ver asked and on an empty roster', async () => {
    const name = await newAccount(stack, 'ver');
    const client = await login(stack, 0, name, 'v');
    const plain = await client.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER }));
    assert.ok(plain?.attrs.ver !== undefined, 'a get without ver still learns the version');
    const stale = await client.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER, ver: 'not-ours' }));
    assert.equal(stale?.attrs.ver, plain?.attrs.ver);
    await client.stop();
  });

  it('reflects a session’s unavailable presence to that session too', async () => {
    const name = await newAccount(stack, 'refl');
    const one = await login(stack, 0, name, 'one');
    const two = await login(stack, 1, name, 'two');
    await Promise.all([online(one), online(two)]);
    await one.xmpp.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'brb')));
    assert.equal((await one.next(isPresence(one.jid, 'unavailable'))).getChildText('status'), 'brb');
    assert.equal((await two.next(isPresence(one.jid, 'unavailable'))).getChildText('status'), 'brb');
    await Promise.all([one.stop(), two.stop()]);
  });

  it('answers jabber:iq:last on one’s own account from the last unavailable presence, with its status, while another resource is online', async () => {
    const name = await newAccount(stack, 'last');
    const stay = await login(stack, 0, name, 'stay');
    const leave = await login(stack, 1, name, 'leave');
    await Promise.all([online(stay), online(leave)]);
    await leave.xmpp.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'gone fishing')));
    await stay.next(isPresence(leave.jid, 'unavailable'));
    await leave.stop();
    const answer = await waitFor(async () => {
      const query = await stay.xmpp.iqCaller.get(xml('query', { xmlns: NS_LAST }), bare(stay));
      return query?.text() === 'gone fishing' ? query : undefined;
    });
    assert.ok(Number(answer.attrs.seconds) >= 0 && Number(answer.attrs.seconds) < 60, answer.attrs.seconds);
    await stay.stop();
  });

  it('lists disco#items among the account’s disco#info features', async () => {
    const name = await newAccount(stack, 'disco');
    const client = await login(stack, 0, name, 'd');
    const info = await client.xmpp.iqCaller.get(xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), bare(client));
    const features = info?.getChildren('feature').map((feature: Element) => feature.attrs.var);
    assert.ok(features?.includes('http://jabber.org/protocol/disco#items'), String(features));
    await client.stop();
  });

  it('binds the requested resource after SASL2 without Bind 2, and generates one only when none is asked for', async () => {
    const name = await newAccount(stack, 'bind');
    for (const [request, expected] of [
      ['<resource>Desk Phone</resource>', /\/Desk Phone<\/jid>/],
      ['', /\/[A-Za-z0-9_-]{8,}<\/jid>/],
    ] as const) {
      const { client } = await securedClient(stack.gateways[0]!.ports.c2s);
      client.send(plainAuthenticate(name, 'pw'));
      await client.expect(/<\/stream:features>/);
      client.send(`<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>${request}</bind></iq>`);
      assert.match(await client.expect(/<\/iq>/), expected);
      client.close();
    }
  });
});
