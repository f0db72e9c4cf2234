/**
 * The gateway under a hostile or broken client, on 127.0.0.1 and bounded in count and
 * time: every stream error is counted, a client that stops reading cannot make the gateway
 * queue without bound, one address cannot hold unauthenticated connections without bound.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawXmppClient } from '@gatehouse/testing';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';
import { plainResponse, securedClient } from './test-support/raw-session.ts';

let stack: TestStack;
let port: number;

const SEND_BUFFER_LIMIT = 64 * 1024;
const PREAUTH_CONNECTIONS = 4;

before(async () => {
  stack = await startStack({
    env: { C2S_SEND_BUFFER_LIMIT: String(SEND_BUFFER_LIMIT), C2S_MAX_PREAUTH_CONNECTIONS_PER_IP: String(PREAUTH_CONNECTIONS) },
  });
  port = stack.gateways[0]!.ports.c2s;
});
after(() => stack.stop());

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${stack.gateways[0]!.ports.admin}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`gatehouse_gateway_${name} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function boundClient(resource: string): Promise<{ client: RawXmppClient; jid: string }> {
  const user = uniqueUser();
  await stack.createAccount(user, 'pw');
  const { client } = await securedClient(port);
  client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(user, 'pw')}</auth>`);
  await client.expect(/<success/);
  client.open();
  await client.expect(/<\/stream:features>/);
  client.send(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`);
  await client.expect(/<\/iq>/);
  client.send('<presence/>');
  return { client, jid: `${user}@localhost/${resource}` };
}

describe('stream errors in the metrics', () => {
  it('counts each stream error by condition', async () => {
    const name = 'stream_errors_total{condition="not-well-formed"}';
    const before = await metric(name);
    const client = await RawXmppClient.connect(port);
    client.open();
    await client.expect(/<\/stream:features>/);
    client.send('<message><body>unclosed</message>');
    await client.expect(/<not-well-formed/);
    assert.equal(await metric(name), before + 1);
  });
});

describe('a client that stops reading', () => {
  it('is closed with policy-violation once more than C2S_SEND_BUFFER_LIMIT waits for it', async () => {
    const slow = await boundClient('stuck');
    const sender = await boundClient('sender');
    slow.client.stopReading();
    const name = 'stream_errors_total{condition="policy-violation"}';
    const before = await metric(name);
    const body = 'x'.repeat(100 * 1024);
    // Loopback socket buffers take a few MB before the gateway has to queue anything itself;
    // 400 messages of 100 KiB (40 MB) are far more than that, and still a bounded load.
    let closed = false;
    for (let i = 0; i < 400 && !closed; i++) {
      sender.client.send(`<message to='${slow.jid}' id='m${i}'><body>${body}</body></message>`);
      if (i % 10 === 9) closed = (await metric(name)) > before;
    }
    const deadline = Date.now() + 10_000;
    while (!closed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      closed = (await metric(name)) > before;
    }
    assert.ok(closed, 'the stuck stream was closed');
    // The sender's stream is untouched.
    sender.client.send("<iq type='get' id='ping'><ping xmlns='urn:xmpp:ping'/></iq>");
    await sender.client.expect(/id='ping'/);
    slow.client.close();
    sender.client.close();
  });
});

describe('unauthenticated connections from one address', () => {
  it('are capped by C2S_MAX_PREAUTH_CONNECTIONS_PER_IP; one more gets policy-violation, an authenticated one frees its slot', async () => {
    const idle = await Promise.all(Array.from({ length: PREAUTH_CONNECTIONS - 1 }, () => RawXmppClient.connect(port)));
    // The last free slot, taken and then freed by authenticating.
    const { client } = await boundClient('after-cap');
    const admitted = await RawXmppClient.connect(port);
    admitted.open();
    await admitted.expect(/<starttls/);
    const refused = await RawXmppClient.connect(port);
    await refused.expect(/<policy-violation[^]*too many unauthenticated connections[^]*<\/stream:stream>/);
    for (const c of [...idle, admitted, client, refused]) c.close();
  });
});
