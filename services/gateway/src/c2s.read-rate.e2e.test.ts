/**
 * The per-connection read rate (C2S_READ_RATE_BYTES_PER_S, C2S_READ_BURST_BYTES) on the
 * wire, over TCP and WebSocket: a client pushing far more than its burst of child-heavy
 * stanzas is read no faster than the rate, while another session's pings stay fast.
 * Bounded: ~600 KB per flood, from 127.0.0.1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';
import { plainResponse, securedClient } from './test-support/raw-session.ts';

const RATE = 128 * 1024;
const BURST = 64 * 1024;
/** The most one read can add past the bucket (a TCP chunk; a WebSocket message here is smaller). */
const ONE_READ = 64 * 1024;
const STANZAS = 10;
/** ~60 KB of empty children: cheap to send, the costliest kind of input to parse and handle. */
const flood = (i: number) => `<iq type='result' id='flood${i}'><x xmlns='urn:example:flood'>${'<a/>'.repeat(15_000)}</x></iq>`;
const PING = (id: string) => `<iq type='get' id='${id}'><ping xmlns='urn:xmpp:ping'/></iq>`;

let stack: TestStack;

before(async () => {
  stack = await startStack({ env: { C2S_READ_RATE_BYTES_PER_S: String(RATE), C2S_READ_BURST_BYTES: String(BURST) } });
});
after(() => stack.stop());

interface Session {
  send(xml: string): void;
  expect(pattern: RegExp, timeoutMs?: number): Promise<string>;
  close(): void;
}

async function tcpSession(): Promise<Session> {
  const user = uniqueUser('rate');
  await stack.createAccount(user, 'pw');
  const { client } = await securedClient(stack.gateways[0]!.ports.c2s);
  client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(user, 'pw')}</auth>`);
  await client.expect(/<success/);
  client.open();
  await client.expect(/<\/stream:features>/);
  client.send(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>`);
  await client.expect(/<\/iq>/);
  return { send: (xml) => client.send(xml), expect: (pattern, timeoutMs) => client.expect(pattern, timeoutMs), close: () => client.close() };
}

async function webSocketSession(): Promise<Session> {
  const user = uniqueUser('rate');
  await stack.createAccount(user, 'pw');
  // The test stack's certificate is self-signed.
  const ws = new WebSocket(`wss://127.0.0.1:${stack.gateways[0]!.ports.http}/xmpp-websocket`, ['xmpp'], { rejectUnauthorized: false });
  let received = '';
  let wake = () => {};
  ws.on('message', (data) => {
    received += String(data).replaceAll('"', "'");
    wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const expect = async (pattern: RegExp, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(received)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${pattern}; received: ${received}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const text = received;
    received = '';
    return text;
  };
  const open = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";
  ws.send(open);
  await expect(/<\/stream:features>/);
  ws.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(user, 'pw')}</auth>`);
  await expect(/<success/);
  ws.send(open);
  await expect(/<\/stream:features>/);
  ws.send(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>`);
  await expect(/<\/iq>/);
  return { send: (xml) => ws.send(xml), expect, close: () => ws.terminate() };
}

async function floodWhilePinging(connect: () => Promise<Session>): Promise<{ elapsedMs: number; floodBytes: number; slowestPingMs: number }> {
  const flooder = await connect();
  const other = await connect();
  const stanzas = Array.from({ length: STANZAS }, (_, i) => flood(i));
  const floodBytes = stanzas.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  const started = performance.now();
  for (const stanza of stanzas) flooder.send(stanza);
  flooder.send(PING('after-flood'));
  let done = false;
  const answered = flooder.expect(/id='after-flood'/, 30_000).finally(() => (done = true));
  let slowestPingMs = 0;
  for (let i = 0; !done; i++) {
    const sent = performance.now();
    other.send(PING(`other${i}`));
    await other.expect(new RegExp(`id='other${i}'`), 10_000);
    slowestPingMs = Math.max(slowestPingMs, performance.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await answered;
  const elapsedMs = performance.now() - started;
  flooder.close();
  other.close();
  return { elapsedMs, floodBytes, slowestPingMs };
}

for (const [transport, connect] of [['TCP', tcpSession], ['WebSocket', webSocketSession]] as const) {
  describe(`read rate over ${transport}`, () => {
    it('reads a flood far past the burst no faster than the rate; another session is answered meanwhile', async () => {
      const { elapsedMs, floodBytes, slowestPingMs } = await floodWhilePinging(connect);
      // At most burst + rate · t (+ one read) bytes can have been read by time t.
      const floorMs = ((floodBytes - BURST - ONE_READ) / RATE) * 1000;
      assert.ok(floodBytes > 8 * BURST, 'the flood is far more than the burst');
      assert.ok(elapsedMs >= floorMs, `${floodBytes} bytes read in ${Math.round(elapsedMs)} ms, less than the ${Math.round(floorMs)} ms the rate allows`);
      assert.ok(slowestPingMs < 1_000, `another session waited ${Math.round(slowestPingMs)} ms for a ping`);
    });
  });
}
