/**
 * Offline messages (XEP-0160), blocking (XEP-0191) and last activity (XEP-0012) with
 * @xmpp/client across two gateway replicas.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { xml } from './test-support/xmpp-client.ts';
import { startStack, type TestStack } from './test-support/stack.ts';
import { isPresence, login, newAccount, nothing, online, onlinePair, subscribeBoth, waitFor } from './test-support/im.ts';

const NS_BLOCKING = 'urn:xmpp:blocking';
const isBlocklistPush = (name: 'block' | 'unblock') => (s: Element) => s.is('iq') && s.attrs.type === 'set' && s.getChild(name, NS_BLOCKING) !== undefined;

describe('offline messages, blocking and last activity across replicas', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ gateways: 2, clients: true });
  });
  after(() => stack.stop());

  const user = (prefix: string) => newAccount(stack, prefix);

  it('keeps a message for an offline user through a roster-sync restart and delivers it once, at the next initial presence', async () => {
    const ann = await user('ann');
    const ben = await user('ben');
    const a = await login(stack, 0, ann, 'a');
    await a.xmpp.send(xml('message', { to: `${ben}@localhost`, type: 'chat', id: 'o1' }, xml('body', {}, 'while you were out')));
    await a.xmpp.send(xml('message', { to: `${ben}@localhost/gone`, type: 'chat', id: 'o2' }, xml('body', {}, 'and again')));
    assert.ok(await nothing(a, (s) => s.attrs.type === 'error'), 'no error: the messages are kept');

    await stack.restartRosterSync('SIGKILL');

    const b = await login(stack, 1, ben, 'b');
    await b.xmpp.send(xml('presence'));
    const first = await b.next((s) => s.is('message') && s.attrs.id === 'o1');
    assert.equal(first.attrs.from, a.jid);
    assert.equal(first.getChildText('body'), 'while you were out');
    assert.equal(first.getChild('delay', 'urn:xmpp:delay')?.attrs.from, 'localhost');
    await b.next((s) => s.is('message') && s.attrs.id === 'o2');
    await b.stop();

    const again = await login(stack, 0, ben, 'again');
    await again.xmpp.send(xml('presence'));
    assert.ok(await nothing(again, (s) => s.is('message')), 'delivered messages are gone from the store');
    await Promise.all([a.stop(), again.stop()]);
  });

  it('blocks a contact both ways: no presence, no messages, pushes to every resource; unblocking restores it', async () => {
    const cat = await user('cat');
    const dan = await user('dan');
    const c1 = await login(stack, 0, cat, 'c1');
    const c2 = await login(stack, 1, cat, 'c2');
    const d = await login(stack, 1, dan, 'd');
    await Promise.all([online(c1), online(c2), online(d)]);
    await subscribeBoth(c1, d);
    for (const resource of [c1, c2]) {
      const list = await resource.xmpp.iqCaller.get(xml('blocklist', { xmlns: NS_BLOCKING }));
      assert.deepEqual(list?.getChildren('item'), []);
    }

    await c1.xmpp.iqCaller.set(xml('block', { xmlns: NS_BLOCKING }, xml('item', { jid: `${dan}@localhost` })));
    for (const resource of [c1, c2]) {
      const push = await resource.next(isBlocklistPush('block'));
      assert.equal(push.getChild('block')?.getChild('item')?.attrs.jid, `${dan}@localhost`);
    }
    // §3.3: the blocked contact sees cat go.
    await d.next(isPresence(c1.jid, 'unavailable'));
    await d.next(isPresence(c2.jid, 'unavailable'));

    await d.xmpp.send(xml('message', { to: `${cat}@localhost`, type: 'chat', id: 'b1' }, xml('body', {}, 'hello?')));
    const bounced = await d.next((s) => s.attrs.id === 'b1');
    assert.ok(bounced.getChild('error')?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
    assert.ok(await nothing(c1, (s) => s.attrs.id === 'b1', 300));

    await c2.xmpp.send(xml('message', { to: `${dan}@localhost`, type: 'chat', id: 'b2' }, xml('body', {}, 'oops')));
    const refused = await c2.next((s) => s.attrs.id === 'b2');
    assert.ok(refused.getChild('error')?.getChild('not-acceptable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
    assert.ok(refused.getChild('error')?.getChild('blocked', 'urn:xmpp:blocking:errors'));

    await c1.xmpp.send(xml('presence', {}, xml('show', {}, 'away')));
    assert.ok(await nothing(d, isPresence(c1.jid)), 'a blocked contact sees no presence');
    const list = await c2.xmpp.iqCaller.get(xml('blocklist', { xmlns: NS_BLOCKING }));
    assert.deepEqual(list?.getChildren('item').map((item: Element) => item.attrs.jid), [`${dan}@localhost`]);

    // §3.4: an empty <unblock/> unblocks everyone, pushed as such.
    await c1.xmpp.iqCaller.set(xml('unblock', { xmlns: NS_BLOCKING }));
    for (const resource of [c1, c2]) assert.deepEqual((await resource.next(isBlocklistPush('unblock'))).getChild('unblock')?.getChildren('item'), []);
    assert.equal((await d.next(isPresence(c1.jid))).getChildText('show'), 'away');
    await d.xmpp.send(xml('message', { to: c1.jid, type: 'chat', id: 'b3' }, xml('body', {}, 'friends again')));
    await c1.next((s) => s.attrs.id === 'b3');
    await Promise.all([c1.stop(), c2.stop(), d.stop()]);
  });

  it('tells a subscriber how long ago a contact left, and nobody else (XEP-0012)', async () => {
    const { names: [, fay], clients: [e, f] } = await onlinePair(stack, 'eve', 'fay');
    const stranger = await user('stranger');
    await subscribeBoth(e, f);
    const last = (client: typeof e) => client.xmpp.iqCaller.get(xml('query', { xmlns: 'jabber:iq:last' }), `${fay}@localhost`);
    assert.equal((await last(e))?.attrs.seconds, '0', 'online: 0 seconds');

    await f.stop();
    await e.next(isPresence(f.jid, 'unavailable'));
    const seconds = await waitFor(async () => {
      try {
        return (await last(e))?.attrs.seconds as string | undefined;
      } catch {
        return undefined; // the session's end is still on its way to the client listing
      }
    });
    assert.ok(Number(seconds) >= 0 && Number(seconds) < 60, seconds);

    const s = await login(stack, 1, stranger, 's');
    await assert.rejects(last(s), (error: { condition?: string }) => error.condition === 'forbidden');
    await Promise.all([e.stop(), s.stop()]);
  });
});
