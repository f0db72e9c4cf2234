/**
 * What one user can store is bounded in bytes (roster, block list, offline messages, the
 * presence every replica keeps),
 * and what can still be large travels over NATS in pages: issue 12's "one user stops the
 * whole stack", against a real stack.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { appendEvent } from '@gatehouse/bus';
import { createEvent, namesFor } from '@gatehouse/events';
import { xml, type ConnectedClient } from './test-support/xmpp-client.ts';
import { startStack, type TestStack } from './test-support/stack.ts';
import { NS_ROSTER, isPresence, login, newAccount, nothing, online, waitFor } from './test-support/im.ts';

const NS_BLOCKING = 'urn:xmpp:blocking';
const OFFLINE_MAX_BYTES = 2_500_000;

/** The IQ's error condition, or 'result'. */
async function outcome(client: ConnectedClient, iq: Element): Promise<string> {
  await client.xmpp.send(iq);
  const reply = await client.next((s) => s.is('iq') && s.attrs.id === iq.attrs.id && (s.attrs.type === 'result' || s.attrs.type === 'error'), 20_000);
  return reply.attrs.type === 'result' ? 'result' : (reply.getChild('error')?.children[0] as Element).name;
}

let ids = 0;
const rosterSet = (jid: string, groups: string[]) =>
  xml('iq', { type: 'set', id: `set-${ids++}` }, xml('query', { xmlns: NS_ROSTER }, xml('item', { jid }, ...groups.map((group) => xml('group', {}, group)))));
const groupsOf = (count: number, length: number) => Array.from({ length: count }, (_, i) => `${i}-`.padEnd(length, 'g'));

async function rosterItems(client: ConnectedClient): Promise<Element[]> {
  const result = await client.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER }), undefined, 60_000);
  return result!.getChildren('item');
}

describe('bounded storage and paged replies', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ env: { BLOCKLIST_MAX_ITEMS: '5', OFFLINE_MAX_BYTES: String(OFFLINE_MAX_BYTES) } });
  });
  after(() => stack.stop());

  it('refuses a presence over C2S_PRESENCE_SIZE_LIMIT with policy-violation and broadcasts nothing of it', async () => {
    const name = await newAccount(stack, 'loud');
    const one = await login(stack, 0, name, 'one');
    const two = await login(stack, 0, name, 'two');
    await Promise.all([online(one), online(two)]);
    await one.xmpp.send(xml('presence', {}, xml('status', {}, 's'.repeat(17 * 1024))));
    const refused = await one.next((s) => s.is('presence') && s.attrs.type === 'error');
    assert.equal((refused.getChild('error')?.children[0] as Element).name, 'policy-violation');
    assert.ok(await nothing(two, (s) => isPresence(one.jid)(s) && (s.getChildText('status')?.length ?? 0) > 0), 'the other resource saw none of it');
    await one.xmpp.send(xml('presence', {}, xml('status', {}, 'short')));
    assert.equal((await two.next((s) => isPresence(one.jid)(s) && s.getChildText('status') === 'short')).getChildText('status'), 'short');
    await Promise.all([one.stop(), two.stop()]);
  });

  it('refuses six roster sets of 200 groups of 1,000 characters; the roster get still works and roster-sync lives', async () => {
    const name = await newAccount(stack, 'hoarder');
    const client = await login(stack, 0, name, 'r');
    for (let i = 0; i < 6; i++) {
      // RFC 6121 §2.3.3: over the server's limit is not-acceptable (ROSTER_MAX_GROUPS 25).
      assert.equal(await outcome(client, rosterSet(`c${i}@localhost`, groupsOf(200, 1_000))), 'not-acceptable');
    }
    assert.deepEqual(await rosterItems(client), []);
    // Within the per-item limits, the roster's bytes run out: 25 groups of 1,000 bytes each.
    let accepted = 0;
    for (;;) {
      const result = await outcome(client, rosterSet(`k${accepted}@localhost`, groupsOf(25, 1_000)));
      if (result !== 'result') {
        assert.equal(result, 'resource-constraint');
        break;
      }
      accepted += 1;
      assert.ok(accepted < 30, 'ROSTER_MAX_BYTES (512 KiB) must stop a roster of 25 KB items');
    }
    assert.equal(accepted, 20);
    assert.equal((await rosterItems(client)).length, accepted);
    assert.equal(stack.rosterSync.child.exitCode, null);
    await client.stop();
  });

  it('serves a roster stored over max_payload by older code, in pages', async () => {
    const name = await newAccount(stack, 'legacy');
    const owner = `${name}@localhost`;
    // 256 groups of 1,000 characters, as the event schema allowed: ~6 × 260 KB, over 1 MiB.
    for (let i = 0; i < 6; i++) {
      const item = { jid: `old${i}@localhost`, groups: groupsOf(256, 1_000), subscription: 'none' as const, ask: false, approved: false };
      const event = createEvent('gatehouse.roster.item-set.v1', { subject: namesFor(stack.ns).subjects.roster(owner), source: 'test', data: { owner, version: i + 1, item } });
      await appendEvent(stack.nc, event);
    }
    const client = await login(stack, 0, name, 'r');
    const items = await waitFor(async () => {
      const got = await rosterItems(client);
      return got.length === 6 ? got : undefined;
    }, 30_000);
    assert.deepEqual(items.map((item) => item.getChildren('group').length), [256, 256, 256, 256, 256, 256]);
    // Shrinking stays possible, growing does not.
    assert.equal(await outcome(client, rosterSet('old0@localhost', ['one'])), 'result');
    assert.equal(await outcome(client, rosterSet('new@localhost', ['one'])), 'resource-constraint');
    assert.equal(stack.rosterSync.child.exitCode, null);
    await client.stop();
  });

  it('refuses a block list that grows past BLOCKLIST_MAX_ITEMS (XEP-0191)', async () => {
    const client = await login(stack, 0, await newAccount(stack, 'blocker'), 'r');
    const block = (jids: string[]) => xml('iq', { type: 'set', id: `block-${ids++}` }, xml('block', { xmlns: NS_BLOCKING }, ...jids.map((jid) => xml('item', { jid }))));
    assert.equal(await outcome(client, block(['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example'])), 'result');
    assert.equal(await outcome(client, block(['e@x.example', 'f@x.example'])), 'resource-constraint');
    assert.equal(await outcome(client, block(['e@x.example'])), 'result');
    const list = await client.xmpp.iqCaller.get(xml('blocklist', { xmlns: NS_BLOCKING }));
    assert.equal(list!.getChildren('item').length, 5);
    await client.stop();
  });

  it('bounds offline messages in bytes and delivers more than max_payload of them in pages', async () => {
    const [sender, absent] = [await newAccount(stack, 'sender'), await newAccount(stack, 'absent')];
    const from = await login(stack, 0, sender, 's');
    await online(from);
    const body = (i: number) => `${i}:`.padEnd(200_000, 'm');
    let stored = 0;
    let refused: Element | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      await from.xmpp.send(xml('message', { to: `${absent}@localhost`, type: 'chat', id: `m${i}` }, xml('body', {}, body(i))));
      // Stored ones are silent; a refused one comes back as an error (RFC 6121 §8.5.2). The
      // session handles its stanzas in order, so once a ping sent behind the message is
      // answered, any error for it has arrived too.
      await from.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), undefined, 20_000);
      refused = await from.next((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === `m${i}`, 100).catch(() => undefined);
      if (!refused) stored += 1;
    }
    assert.ok(refused, 'OFFLINE_MAX_BYTES refuses a message at last');
    assert.equal(refused.getChild('error')?.children.length ? (refused.getChild('error')!.children[0] as Element).name : '', 'service-unavailable');
    assert.equal(stored, Math.floor(OFFLINE_MAX_BYTES / 200_300));
    assert.ok(stored * 200_000 > stack.nc.info!.max_payload);

    const to = await login(stack, 0, absent, 'a');
    await online(to);
    for (let i = 0; i < stored; i++) {
      const message = await to.next((s) => s.is('message') && s.getChildText('body')?.startsWith(`${i}:`) === true, 30_000);
      assert.equal(message.getChildText('body'), body(i));
    }
    await from.stop();
    await to.stop();
  });
});
