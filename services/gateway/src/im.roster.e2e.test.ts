/**
 * Rosters and presence subscriptions (RFC 6121 §2-§4) with @xmpp/client, the users'
 * resources spread over two gateway replicas.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { xml } from './test-support/xmpp-client.ts';
import { startStack, type TestStack } from './test-support/stack.ts';
import { request } from '@gatehouse/bus';
import { NS_ROSTER, bare, isPresence, isPush, login, newAccount, nothing, online, onlinePair, subscribeBoth, waitFor } from './test-support/im.ts';

describe('rosters and subscriptions across replicas', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ gateways: 2 });
  });
  after(() => stack.stop());

  const user = (prefix: string) => newAccount(stack, prefix);

  it('runs the whole subscription handshake, pushing to every interested resource on both replicas', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const phone = await login(stack, 0, alice, 'phone');
    const laptop = await login(stack, 1, alice, 'laptop');
    const desk = await login(stack, 1, bob, 'desk');
    await Promise.all([online(phone), online(laptop), online(desk)]);

    await phone.xmpp.send(xml('presence', { to: `${bob}@localhost`, type: 'subscribe' }, xml('status', {}, 'it is me')));
    for (const resource of [phone, laptop]) {
      const push = await resource.next(isPush(`${bob}@localhost`, 'none'));
      assert.equal(push.getChild('query')?.getChild('item')?.attrs.ask, 'subscribe');
      assert.ok(push.getChild('query')?.attrs.ver, 'pushes carry the roster version');
    }
    const request = await desk.next(isPresence(`${alice}@localhost`, 'subscribe'));
    assert.equal(request.getChildText('status'), 'it is me');

    await desk.xmpp.send(xml('presence', { to: `${alice}@localhost`, type: 'subscribed' }));
    await desk.next(isPush(`${alice}@localhost`, 'from'));
    for (const resource of [phone, laptop]) {
      await resource.next(isPush(`${bob}@localhost`, 'to'));
      await resource.next(isPresence(`${bob}@localhost`, 'subscribed'));
      // §3.1.5: the contact's current presence follows the approval.
      await resource.next(isPresence(desk.jid));
    }

    // §4.3: a new resource of alice probes bob, whose presence lives on the other replica.
    const tablet = await login(stack, 0, alice, 'tablet');
    await online(tablet);
    await tablet.next(isPresence(desk.jid));
    // Its siblings' presence too, from both replicas.
    await tablet.next(isPresence(phone.jid));
    await tablet.next(isPresence(laptop.jid));

    // §4.5.2 and §3.1: bob sees none of alice (he has no subscription to her)...
    assert.ok(await nothing(desk, isPresence(tablet.jid)));
    // ...and alice's resources see bob go when he disconnects.
    await desk.stop();
    for (const resource of [phone, laptop, tablet]) await resource.next(isPresence(desk.jid, 'unavailable'));
    await Promise.all([phone.stop(), laptop.stop(), tablet.stop()]);
  });

  it('keeps an unanswered request across reconnects and delivers it at each login (§3.1.3)', async () => {
    const carol = await user('carol');
    const dave = await user('dave');
    const c = await login(stack, 0, carol, 'c');
    await online(c);
    await c.xmpp.send(xml('presence', { to: `${dave}@localhost`, type: 'subscribe' }));
    await c.next(isPush(`${dave}@localhost`, 'none'));

    for (const attempt of [1, 2]) {
      const d = await login(stack, 1, dave, `d${attempt}`);
      const roster = await online(d);
      assert.deepEqual(roster?.getChildren('item'), [], 'a request alone is not on the roster');
      await d.next(isPresence(`${carol}@localhost`, 'subscribe'));
      if (attempt === 1) {
        await d.stop();
        continue;
      }
      await d.xmpp.send(xml('presence', { to: `${carol}@localhost`, type: 'subscribed' }));
      await c.next(isPresence(`${dave}@localhost`, 'subscribed'));
      await c.next(isPresence(d.jid));
      await d.stop();
    }
    const again = await login(stack, 1, dave, 'd3');
    await online(again);
    assert.ok(await nothing(again, isPresence(`${carol}@localhost`, 'subscribe')), 'an answered request is not delivered again');
    await Promise.all([again.stop(), c.stop()]);
  });

  it('answers a subscribe itself when it was pre-approved (§3.4)', async () => {
    const { names: [erin, frank], clients: [e, f] } = await onlinePair(stack, 'erin', 'frank');
    await e.xmpp.send(xml('presence', { to: `${frank}@localhost`, type: 'subscribed' }));
    const approved = await e.next(isPush(`${frank}@localhost`, 'none'));
    assert.equal(approved.getChild('query')?.getChild('item')?.attrs.approved, 'true');
    assert.ok(await nothing(f, isPresence(`${erin}@localhost`, 'subscribed'), 300), 'a pre-approval is not routed');

    await f.xmpp.send(xml('presence', { to: `${erin}@localhost`, type: 'subscribe' }));
    await f.next(isPresence(`${erin}@localhost`, 'subscribed'));
    await f.next(isPresence(e.jid));
    await e.next(isPush(`${frank}@localhost`, 'from'));
    assert.ok(await nothing(e, isPresence(`${frank}@localhost`, 'subscribe'), 300), 'erin is not asked');
    await Promise.all([e.stop(), f.stop()]);
  });

  it('sets, versions and removes items, with pushes and the presence that follows (§2)', async () => {
    const gina = await user('gina');
    const hank = await user('hank');
    const one = await login(stack, 0, gina, 'one');
    const two = await login(stack, 1, gina, 'two');
    const h = await login(stack, 1, hank, 'h');
    await Promise.all([online(one), online(two), online(h)]);

    await one.xmpp.iqCaller.set(xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: `${hank}@localhost`, name: 'Hank' }, xml('group', {}, 'Friends'))));
    const push = await two.next(isPush(`${hank}@localhost`, 'none'));
    const item = push.getChild('query')!.getChild('item')!;
    assert.equal(item.attrs.name, 'Hank');
    assert.equal(item.getChildText('group'), 'Friends');
    const ver = push.getChild('query')!.attrs.ver as string;

    // §2.6.3: a client with the current version gets an empty result.
    const current = await one.xmpp.iqCaller.request(xml('iq', { type: 'get' }, xml('query', { xmlns: NS_ROSTER, ver })));
    assert.equal(current.getChild('query'), undefined);
    const stale = await one.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER, ver: '' }));
    assert.equal(stale?.attrs.ver, ver);
    assert.deepEqual(stale?.getChildren('item').map((i: Element) => i.attrs.jid), [`${hank}@localhost`]);

    await assert.rejects(
      one.xmpp.iqCaller.set(xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: 'a@localhost' }), xml('item', { jid: 'b@localhost' }))),
      (error: { condition?: string }) => error.condition === 'bad-request',
    );

    await subscribeBoth(one, h);
    await one.xmpp.iqCaller.set(xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: `${hank}@localhost`, subscription: 'remove' })));
    await two.next(isPush(`${hank}@localhost`, 'remove'));
    // §2.5.2: both subscriptions end: hank is told, sees gina go, and his roster says so.
    await h.next(isPresence(`${gina}@localhost`, 'unsubscribe'));
    await h.next(isPresence(`${gina}@localhost`, 'unsubscribed'));
    await h.next(isPresence(one.jid, 'unavailable'));
    await h.next(isPush(`${gina}@localhost`, 'none'));
    await assert.rejects(
      one.xmpp.iqCaller.set(xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: `${hank}@localhost`, subscription: 'remove' }))),
      (error: { condition?: string }) => error.condition === 'item-not-found',
    );
    await Promise.all([one.stop(), two.stop(), h.stop()]);
  });

  it("ends a deleted account's subscriptions on its contacts' rosters, and a new account of that name starts with an empty roster", async () => {
    const { names: [kate], clients: [k, l] } = await onlinePair(stack, 'kate', 'liam');
    await subscribeBoth(k, l);

    await request(stack.nc, `${stack.ns}.token.account.delete`, { jid: `${kate}@localhost` });
    await l.next(isPresence(k.jid, 'unavailable'));
    await l.next(isPush(`${kate}@localhost`, 'none'));

    await stack.createAccount(kate, 'pw');
    const again = await login(stack, 0, kate, 'again');
    const roster = await waitFor(async () => {
      const query = await again.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER }));
      return query?.getChildren('item').length === 0 ? query : undefined;
    });
    assert.ok(roster);
    await Promise.all([again.stop(), l.stop()]);
  });

  it('sends unavailable presence to directed-presence recipients when the session ends (§4.6)', async () => {
    const { names: [, jack], clients: [i, j] } = await onlinePair(stack, 'ivy', 'jack');
    await i.xmpp.send(xml('presence', { to: `${jack}@localhost` }, xml('show', {}, 'chat')));
    assert.equal((await j.next(isPresence(i.jid))).getChildText('show'), 'chat');
    await i.stop();
    await j.next(isPresence(i.jid, 'unavailable'));
    await j.stop();
  });

  it("tells a contact's subscribers it is gone when the replica holding its session dies", async () => {
    const nia = await user('nia');
    const oli = await user('oli');
    const doomed = await stack.startGateway(2);
    const n = await login(stack, 2, nia, 'n');
    const o = await login(stack, 0, oli, 'o');
    await Promise.all([online(n), online(o)]);
    await subscribeBoth(n, o);
    await doomed.stop('SIGKILL');
    await o.next(isPresence(n.jid, 'unavailable'), 30_000);
    await o.stop();
  });

  it('answers disco#info on the user’s own bare JID for the account', async () => {
    const kim = await user('kim');
    const k = await login(stack, 0, kim, 'k');
    const info = await k.xmpp.iqCaller.get(xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), `${kim}@localhost`);
    assert.equal(info?.getChild('identity')?.attrs.category, 'account');
    assert.equal(info?.getChild('identity')?.attrs.type, 'registered');
    assert.ok(info?.getChildren('feature').some((f: Element) => f.attrs.var === 'jabber:iq:last'));
    await k.stop();
  });

  it('keeps other users out of a roster (§2.1.5: forbidden)', async () => {
    const lee = await user('lee');
    const mia = await user('mia');
    const l = await login(stack, 0, lee, 'l');
    await assert.rejects(l.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER }), `${mia}@localhost`), (error: { condition?: string }) => error.condition === 'forbidden');
    assert.equal(bare(l), `${lee}@localhost`);
    await l.stop();
  });
});
