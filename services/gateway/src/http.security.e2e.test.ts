/**
 * The HTTP listeners' security: what a WebSocket stream offers over wss://, plain ws://
 * and a trusted TLS proxy (RFC 6120 §5.3.1, §13.9; RFC 7395 §3), the Origin allow-list
 * (RFC 6455 §10.2), and operator endpoints on the admin port only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { WebSocket } from 'ws';
import type { Subscription } from '@nats-io/transport-node';
import { startStack, type GatewayProcess, type TestStack } from './test-support/stack.ts';

const SECRET = 'http-security-test-secret';
const OPEN = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";

let stack: TestStack;
/** Default settings: wss:// on the client port. */
let wss: GatewayProcess;
/** HTTP_TLS=false, no trusted proxy. */
let plain: GatewayProcess;
/** HTTP_TLS=false behind a proxy on 127.0.0.1; one browser origin allowed. */
let proxied: GatewayProcess;

before(async () => {
  stack = await startStack({ env: { ROSTER_ADMIN_SECRET: SECRET } });
  wss = stack.gateways[0]!;
  plain = await stack.startGateway(1, { HTTP_TLS: 'false' });
  proxied = await stack.startGateway(2, { HTTP_TLS: 'false', TRUSTED_PROXIES: '127.0.0.1', WEBSOCKET_ALLOWED_ORIGINS: 'https://app.example.com' });
});
after(() => stack.stop());

const wsUrl = (gateway: GatewayProcess, scheme = 'ws') => `${scheme}://127.0.0.1:${gateway.ports.http}/xmpp-websocket`;

function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  // The test stack's certificate is self-signed.
  const ws = new WebSocket(url, ['xmpp'], { headers, rejectUnauthorized: false });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** The `<stream:features/>` a fresh stream gets. */
async function featuresOver(url: string, headers: Record<string, string> = {}): Promise<string> {
  const ws = await openSocket(url, headers);
  try {
    const frames: string[] = [];
    const features = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no features within 10 s: ${frames.join(' ')}`)), 10_000);
      ws.on('message', (data) => {
        frames.push(String(data).replaceAll('"', "'"));
        if (frames.length === 2) {
          clearTimeout(timer);
          resolve(frames[1]!);
        }
      });
    });
    ws.send(OPEN);
    return await features;
  } finally {
    ws.terminate();
  }
}

/** Status of a request, over TLS for https URLs (self-signed here). */
function statusOf(url: string, method = 'GET'): Promise<number> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

const MECHANISM = /<mechanism>/;
const SASL2 = /urn:xmpp:sasl:2/;
const FAST = /urn:xmpp:fast:0/;

describe('what a WebSocket stream offers', () => {
  it('offers SCRAM, PLAIN, SASL2 and FAST (with channel binding) over wss://', async () => {
    const features = await featuresOver(wsUrl(wss, 'wss'));
    assert.match(features, /<mechanism>SCRAM-SHA-256<\/mechanism><mechanism>SCRAM-SHA-1<\/mechanism><mechanism>PLAIN<\/mechanism>/);
    assert.match(features, SASL2);
    assert.match(features, /<fast xmlns='urn:xmpp:fast:0'><mechanism>HT-SHA-256-NONE<\/mechanism><mechanism>HT-SHA-256-ENDP<\/mechanism><\/fast>/);
  });

  it('offers no mechanism at all on plain ws://, whatever the client claims about a proxy', async () => {
    for (const headers of [{}, { 'X-Forwarded-Proto': 'https' }, { Forwarded: 'for=203.0.113.9;proto=https' }] as Record<string, string>[]) {
      const features = await featuresOver(wsUrl(plain), headers);
      assert.doesNotMatch(features, MECHANISM, JSON.stringify(headers));
      assert.doesNotMatch(features, SASL2);
      assert.doesNotMatch(features, FAST);
    }
  });

  it('trusts X-Forwarded-Proto and Forwarded only from TRUSTED_PROXIES', async () => {
    for (const headers of [{ 'X-Forwarded-Proto': 'https' }, { Forwarded: 'for=203.0.113.9;proto=https' }] as Record<string, string>[]) {
      const features = await featuresOver(wsUrl(proxied), headers);
      assert.match(features, /<mechanism>PLAIN<\/mechanism>/, JSON.stringify(headers));
      assert.match(features, SASL2);
      // TLS ends at the proxy: nothing to bind to.
      assert.doesNotMatch(features, /HT-SHA-256-ENDP/);
    }
    assert.doesNotMatch(await featuresOver(wsUrl(proxied)), MECHANISM, 'the proxy did not say https');
    assert.doesNotMatch(await featuresOver(wsUrl(proxied), { 'X-Forwarded-Proto': 'http' }), MECHANISM);
  });

  it("records the client address a trusted proxy forwards, and the socket's otherwise", async () => {
    // Nothing is stored for a stream before it authenticates, but a failed login is: its
    // event carries the address the gateway believed.
    const failedLoginFrom = async (gateway: GatewayProcess, headers: Record<string, string>) => {
      const sub: Subscription = stack.nc.subscribe(`${stack.ns}.session.>`);
      try {
        const found = (async () => {
          for await (const message of sub) {
            const event = message.json<{ type: string; source: string; data: { clientIp?: string } }>();
            if (event.type === 'gatehouse.session.authentication-failed.v1' && event.source.endsWith(`/${gateway.ready.replica as string}`)) return event.data.clientIp;
          }
          return undefined;
        })();
        const ws = await openSocket(wsUrl(gateway), headers);
        try {
          ws.send(OPEN);
          ws.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from('\0nobody\0wrong').toString('base64')}</auth>`);
          return await Promise.race([found, new Promise((_, reject) => setTimeout(() => reject(new Error('no authentication-failed event within 10 s')), 10_000))]);
        } finally {
          ws.terminate();
        }
      } finally {
        sub.unsubscribe();
      }
    };
    const forwarded = { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https' };
    assert.equal(await failedLoginFrom(proxied, forwarded), '203.0.113.9');
    assert.equal(await failedLoginFrom(plain, forwarded), '127.0.0.1');
  });
});

describe('WEBSOCKET_ALLOWED_ORIGINS', () => {
  it('refuses a browser origin with 403 before the upgrade unless it is listed; native clients send none', async () => {
    await assert.rejects(openSocket(wsUrl(wss, 'wss'), { Origin: 'https://evil.example' }), /Unexpected server response: 403/);
    (await openSocket(wsUrl(wss, 'wss'))).terminate();
    await assert.rejects(openSocket(wsUrl(proxied), { Origin: 'https://evil.example' }), /Unexpected server response: 403/);
    (await openSocket(wsUrl(proxied), { Origin: 'https://app.example.com' })).terminate();
  });
});

describe('the admin listener', () => {
  const client = (path: string) => `https://127.0.0.1:${wss.ports.http}${path}`;
  const admin = (path: string) => `http://127.0.0.1:${wss.ports.admin}${path}`;

  it('serves health on both ports, and the admin API, /roster_admin and /metrics only on the admin port', async () => {
    for (const path of ['/healthz', '/readyz']) {
      assert.equal(await statusOf(client(path)), 200, `client ${path}`);
      assert.equal(await statusOf(admin(path)), 200, `admin ${path}`);
    }
    assert.equal(await statusOf(client('/metrics')), 404);
    assert.equal(await statusOf(client('/admin/users/alice@localhost/clients')), 404);
    assert.equal(await statusOf(client('/roster_admin/refresh'), 'POST'), 404);
    assert.equal(await statusOf(admin('/metrics')), 200);
    assert.equal(await statusOf(admin('/admin/users/alice@localhost/clients')), 401, 'served, and wants ADMIN_TOKEN');
    assert.equal(await statusOf(admin('/roster_admin/refresh'), 'POST'), 401, 'served, and wants the bearer');
  });

  it('answers /roster_admin with a wrong bearer 401 before the body is sent', async () => {
    for (const length of [500_000, 100 * 1024 * 1024]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(wss.ports.admin, '127.0.0.1');
        let received = '';
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`no answer within 10 s to headers announcing ${length} bytes`));
        }, 10_000);
        socket.on('data', (chunk) => {
          received += chunk.toString();
          if (received.includes('\r\n\r\n')) {
            clearTimeout(timer);
            socket.destroy();
            resolve(received);
          }
        });
        socket.on('error', reject);
        socket.write(`POST /roster_admin/refresh HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer wrong-secret-of-some-length\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
      });
      assert.match(answer, /^HTTP\/1\.1 401 /, `${length} bytes announced`);
    }
  });

  it('binds the admin port to 127.0.0.1 even when the client listeners bind every address', async (t) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
    if (!external) {
      t.skip('no non-loopback IPv4 address on this machine');
      return;
    }
    const open = await stack.startGateway(3, { GATEWAY_BIND_ADDRESS: '0.0.0.0' });
    try {
      const reachable = (host: string, port: number) =>
        new Promise<boolean>((resolve) => {
          const socket = connect(port, host);
          socket.setTimeout(5_000, () => socket.destroy());
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
          socket.once('close', () => resolve(false));
        });
      assert.equal(await reachable(external, open.ports.http), true, 'the client port answers on every address');
      assert.equal(await reachable(external, open.ports.admin), false, 'the admin port does not');
      assert.equal(await reachable('127.0.0.1', open.ports.admin), true);
    } finally {
      await open.stop();
    }
  });
});
