/** RFC 7395 on the wire: subprotocol, framing, errors and closing. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startStack, type TestStack } from './test-support/stack.ts';

let stack: TestStack;
let url: string;

before(async () => {
  stack = await startStack();
  url = `wss://127.0.0.1:${stack.gateways[0]!.ports.http}/xmpp-websocket`;
});
after(() => stack.stop());

interface Conversation {
  ws: WebSocket;
  frames: string[];
  closed: Promise<number>;
  next(): Promise<string>;
}

async function converse(protocols: string[] = ['xmpp']): Promise<Conversation> {
  // The test stack's certificate is self-signed.
  const ws = new WebSocket(url, protocols, { rejectUnauthorized: false });
  const frames: string[] = [];
  const waiting: Array<(frame: string) => void> = [];
  ws.on('message', (data) => {
    const frame = String(data).replaceAll('"', "'");
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    closed,
    next: () =>
      frames.length > 0
        ? Promise.resolve(frames.shift()!)
        : new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no frame within 5 s')), 5_000);
            waiting.push((frame) => {
              clearTimeout(timer);
              resolve(frame);
            });
          }),
  };
}

const OPEN = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";

describe('XMPP over WebSocket (RFC 7395)', () => {
  it('echoes the xmpp subprotocol and answers <open/> with <open/> and features without STARTTLS (wss://)', async () => {
    const c = await converse();
    assert.equal(c.ws.protocol, 'xmpp');
    c.ws.send(OPEN);
    const open = await c.next();
    assert.match(open, /^<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' id='[^']+' version='1.0' xml:lang='en'\/>$/);
    const features = await c.next();
    assert.match(features, /^<stream:features xmlns:stream='http:\/\/etherx.jabber.org\/streams'>/);
    assert.match(features, /<mechanism>SCRAM-SHA-1<\/mechanism>/);
    assert.doesNotMatch(features, /xmpp-tls/);
    assert.match(features, /<mechanism>PLAIN<\/mechanism>/, 'PLAIN under our own TLS');
    c.ws.send("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    assert.match(await c.next(), /^<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'\/>$/);
    assert.equal(await c.closed, 1000);
  });

  it('refuses an upgrade that does not offer the xmpp subprotocol', async () => {
    await assert.rejects(converse(['chat']), /Unexpected server response: 400/);
  });

  it('answers an unknown domain with <open/>, host-unknown and <close/>', async () => {
    const c = await converse();
    c.ws.send("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='nosuch.example' version='1.0'/>");
    assert.match(await c.next(), /^<open /);
    assert.match(await c.next(), /^<stream:error xmlns:stream='http:\/\/etherx.jabber.org\/streams'><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
    assert.match(await c.next(), /^<close /);
    await c.closed;
  });

  it('treats a binary message as a stream error', async () => {
    const c = await converse();
    c.ws.send(OPEN);
    await c.next();
    await c.next();
    c.ws.send(Buffer.from('<presence/>'), { binary: true });
    assert.match(await c.next(), /<stream:error/);
    assert.match(await c.next(), /^<close /);
    await c.closed;
  });

  it('answers malformed XML in a message with not-well-formed', async () => {
    const c = await converse();
    c.ws.send(OPEN);
    await c.next();
    await c.next();
    c.ws.send('<message><body>oops</message>');
    assert.match(await c.next(), /<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
    await c.closed;
  });

  it('refuses stanzas before authentication with not-authorized', async () => {
    const c = await converse();
    c.ws.send(OPEN);
    await c.next();
    await c.next();
    c.ws.send("<message xmlns='jabber:client' to='a@localhost'><body>hi</body></message>");
    assert.match(await c.next(), /<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
    await c.closed;
  });
});
