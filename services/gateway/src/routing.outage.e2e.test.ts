/**
 * RFC 6120 §8.3 / §10 while NATS is away: a stanza a client sends during a bus outage is
 * delivered once the bus is back, or bounced to the sender with a stanza error; never lost.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { request } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { startNatsServerOrSkip, type PrivateNatsServer } from '@gatehouse/testing';
import type { Element } from '@xmpp/xml';
import { xml } from './test-support/xmpp-client.ts';
import { startStack, type TestStack } from './test-support/stack.ts';
import { onlinePair } from './test-support/im.ts';

const WAIT_MS = 6_000;

describe('stanzas sent while NATS is down', () => {
  let nats: PrivateNatsServer | undefined;
  let stack: TestStack | undefined;
  let skip: string | undefined;
  before(async () => {
    ({ nats, skip } = await startNatsServerOrSkip());
    if (!nats) return;
    stack = await startStack({ gateways: 2, natsUrl: nats.url, env: { GATEWAY_OUTAGE_WAIT_MS: String(WAIT_MS) } });
  });
  after(async () => {
    await stack?.stop();
    await nats?.destroy();
  });

  /** Stops NATS for `ms`, runs `during` a third of the way in, and brings NATS back. */
  async function outage(ms: number, during: () => Promise<void>): Promise<void> {
    await nats!.stop();
    await sleep(ms / 3);
    await during();
    await sleep((2 * ms) / 3);
    await nats!.restart();
    await serving();
  }

  /** Until the token service answers again, so the next test can make accounts (bounded). */
  async function serving(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await request(stack!.nc, `${namesFor(stack!.ns).services.token}.account.exists`, { jid: 'nobody@localhost' }, { timeoutMs: 1_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }

  it('a chat message from replica 0 to replica 1 during a 1.5 s outage reaches B after it, or A gets an error', { timeout: 90_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const { clients } = await onlinePair(stack!, 'alice', 'bob');
    const [a, b] = clients;
    const arrived = b.next((s) => s.is('message') && s.getChildText('body') === 'during the outage', 30_000);
    const bounced = a.next((s) => s.is('message') && s.attrs.type === 'error', 30_000);
    await outage(1_500, () => a.xmpp.send(xml('message', { to: b.jid, type: 'chat', id: 'm1' }, xml('body', {}, 'during the outage'))));
    const first = await Promise.race([arrived.then(() => 'delivered'), bounced.then(() => 'bounced')]);
    assert.equal(first, 'delivered', 'a short outage is waited out');
    await Promise.all([a.stop(), b.stop()]);
  });

  it('an IQ from replica 0 to replica 1 during a 1.5 s outage gets its answer after it', { timeout: 90_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const { clients } = await onlinePair(stack!, 'carol', 'dave');
    const [a, b] = clients;
    b.xmpp.iqCallee.get('urn:example:outage', 'query', () => xml('query', { xmlns: 'urn:example:outage' }, 'answered'));
    let answer: Promise<Element> | undefined;
    await outage(1_500, async () => {
      answer = a.xmpp.iqCaller.request(xml('iq', { type: 'get', to: b.jid, id: 'q1' }, xml('query', { xmlns: 'urn:example:outage' })), 30_000);
    });
    const result = await answer!;
    assert.equal(result.attrs.type, 'result');
    assert.equal(result.getChildText('query'), 'answered');
    await Promise.all([a.stop(), b.stop()]);
  });

  it('an outage longer than GATEWAY_OUTAGE_WAIT_MS bounces the message and the IQ with remote-server-timeout, while NATS is still down', { timeout: 90_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const { clients } = await onlinePair(stack!, 'erin', 'frank');
    const [a, b] = clients;
    const bounced = a.next((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'm2', 30_000);
    const iqBounced = a.next((s) => s.is('iq') && s.attrs.type === 'error' && s.attrs.id === 'q2', 30_000);
    let errorsSeen = 0;
    await outage(3 * WAIT_MS, async () => {
      await a.xmpp.send(xml('message', { to: b.jid, type: 'chat', id: 'm2' }, xml('body', {}, 'too long an outage')));
      await a.xmpp.send(xml('iq', { to: b.jid, type: 'get', id: 'q2' }, xml('query', { xmlns: 'urn:example:outage' })));
      void Promise.all([bounced, iqBounced]).then(() => (errorsSeen = Date.now()));
    });
    const back = Date.now();
    for (const error of await Promise.all([bounced, iqBounced])) {
      assert.ok(error.getChild('error')?.getChild('remote-server-timeout', 'urn:ietf:params:xml:ns:xmpp-stanzas'), error.toString());
      assert.equal(error.getChild('error')?.attrs.type, 'wait');
    }
    assert.ok(errorsSeen > 0 && errorsSeen < back, 'the errors came while NATS was still down');
    await Promise.all([a.stop(), b.stop()]);
  });
});
