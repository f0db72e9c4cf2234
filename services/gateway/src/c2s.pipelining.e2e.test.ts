/**
 * Input sent ahead of a stream restart (RFC 6120 §4.3.3), on the wire: plaintext injected
 * behind <starttls/> is never read as encrypted (CVE-2011-0411), while a new stream header
 * pipelined behind SASL <auth/> (XEP-0305, as tsung sends it) belongs to the restarted stream.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { RawXmppClient } from '@gatehouse/testing';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';
import { plainResponse, securedClient } from './test-support/raw-session.ts';

let stack: TestStack;
let port: number;

before(async () => {
  stack = await startStack();
  port = stack.gateways[0]!.ports.c2s;
});
after(() => stack.stop());

const auth = (user: string, password: string) =>
  `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(user, password)}</auth>`;
const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
const bind = (resource: string) => `<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`;

async function account(): Promise<string> {
  const user = uniqueUser();
  await stack.createAccount(user, 'pw');
  return user;
}

/** Sends `data` in two writes split at byte `cut`, a moment apart so they arrive as two reads. */
async function sendSplit(client: RawXmppClient, data: Buffer, cut: number): Promise<void> {
  client.send(data.subarray(0, cut));
  await new Promise((resolve) => setTimeout(resolve, 50));
  client.send(data.subarray(cut));
}

describe('STARTTLS command injection (CVE-2011-0411)', () => {
  it('ignores a PLAIN <auth/> sent in the same write as <starttls/>', async () => {
    const user = await account();
    const client = await RawXmppClient.connect(port);
    client.open();
    await client.expect(/<\/stream:features>/);
    client.send(`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>${auth(user, 'pw')}`);
    let seen = await client.expect(/<proceed/);
    await client.upgradeToTls();
    client.open();
    seen += await client.expect(/<\/stream:features>/);
    // A wrong password now: had the injected <auth/> been acted on, its <success/> would
    // come first, since the session answers in order.
    client.send(auth(user, 'wrong'));
    seen += await client.expect(/<\/failure>/);
    assert.doesNotMatch(seen, /<success/);
    client.send(auth(user, 'pw'));
    await client.expect(/<success/);
    client.close();
  });
});

describe('pipelined login (XEP-0305), as tsung does it', () => {
  it('reads a header sent with <auth/> as the restarted stream, and binds', async () => {
    const user = await account();
    const { client } = await securedClient(port);
    client.send(`${auth(user, 'pw')}${HEADER}`);
    const reply = await client.expect(/<\/stream:features>/);
    assert.match(reply, /^<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><\/success><\?xml version='1.0'\?><stream:stream /);
    assert.match(reply, /<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/);
    client.send(bind('r'));
    assert.match(await client.expect(/<\/iq>/), new RegExp(`<jid>${user}@localhost/r</jid>`));
    client.close();
  });

  const pipelined = (user: string) => Buffer.from(`${auth(user, 'pw')}${HEADER}${bind('caf\u00e9')}`);
  const cuts: Array<[string, (data: Buffer) => number]> = [
    ['right behind </auth>', (data) => data.indexOf('<?xml')],
    ['inside the XML declaration', (data) => data.indexOf('<?xml') + 3],
    ['inside the stream header', (data) => data.indexOf('stream:stream') + 4],
    ['inside a UTF-8 character of the bind request', (data) => data.indexOf(Buffer.from('\u00e9')) + 1],
  ];
  for (const [where, cutOf] of cuts) {
    it(`also when the bytes arrive split ${where}`, async () => {
      const user = await account();
      const { client } = await securedClient(port);
      const data = pipelined(user);
      await sendSplit(client, data, cutOf(data));
      const reply = await client.expect(/<\/iq>/);
      assert.match(reply, /^<success /);
      assert.match(reply, /<\/stream:features>/);
      assert.match(reply, new RegExp(`<jid>${user}@localhost/caf\u00e9</jid>`));
      client.close();
    });
  }

  it('answers a wrong password with <failure/>, drops the pipelined header, and lets the client retry', async () => {
    const user = await account();
    const { client } = await securedClient(port);
    client.send(`${auth(user, 'wrong')}${HEADER}`);
    const failure = await client.expect(/<\/failure>/);
    assert.match(failure, /<not-authorized\/>/);
    client.send(auth(user, 'pw'));
    const success = await client.expect(/<success/);
    assert.doesNotMatch(success, /stream:error/);
    client.open();
    await client.expect(/<\/stream:features>/);
    client.send(bind('r'));
    assert.match(await client.expect(/<\/iq>/), /type='result'/);
    client.close();
  });
});

describe('pipelined login over WebSocket (RFC 7395)', () => {
  it('answers an <open/> sent right behind <auth/> after <success/>, with the new stream', async () => {
    const user = await account();
    const ws = new WebSocket(`wss://127.0.0.1:${stack.gateways[0]!.ports.http}/xmpp-websocket`, ['xmpp'], { rejectUnauthorized: false });
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(String(data).replaceAll('"', "'")));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const until = async (count: number) => {
      const deadline = Date.now() + 5_000;
      while (frames.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${frames.length} frames: ${frames.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const open = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";
    ws.send(open);
    await until(2);
    ws.send(auth(user, 'pw'));
    ws.send(open);
    await until(5);
    assert.match(frames[2]!, /^<success /);
    assert.match(frames[3]!, /^<open /);
    assert.match(frames[4]!, /<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/);
    ws.terminate();
  });
});
