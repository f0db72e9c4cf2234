import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { gatewayConfigSchema } from '../config.ts';
import { peerResolver } from './proxy-trust.ts';

function request(from: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress: from }, headers } as unknown as IncomingMessage;
}

describe('who a WebSocket upgrade comes from, and whether TLS protected it', () => {
  const none = peerResolver([]);
  const loopback = peerResolver(['127.0.0.1']);

  it('believes nobody without TRUSTED_PROXIES: plain stays plain, the socket is the client', () => {
    const forged = request('::ffff:127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9', forwarded: 'for=203.0.113.9;proto=https' });
    assert.deepEqual(none(forged, false), { remoteAddress: '127.0.0.1', secure: false });
    assert.deepEqual(none(forged, true), { remoteAddress: '127.0.0.1', secure: true });
  });

  it('ignores the headers from a peer that is not a trusted proxy', () => {
    assert.deepEqual(loopback(request('198.51.100.7', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' }), false), { remoteAddress: '198.51.100.7', secure: false });
  });

  it('takes X-Forwarded-Proto and X-Forwarded-For from a trusted proxy (IPv4-mapped socket address too)', () => {
    assert.deepEqual(loopback(request('::ffff:127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' }), false), { remoteAddress: '203.0.113.9', secure: true });
    assert.deepEqual(loopback(request('127.0.0.1', { 'x-forwarded-proto': 'http', 'x-forwarded-for': '203.0.113.9' }), false), { remoteAddress: '203.0.113.9', secure: false });
    assert.deepEqual(loopback(request('127.0.0.1'), false), { remoteAddress: '127.0.0.1', secure: false });
  });

  it('stops at the first untrusted hop of X-Forwarded-For, so a client cannot pick its own address', () => {
    assert.deepEqual(loopback(request('127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.9.9.9, 203.0.113.9' }), false), { remoteAddress: '203.0.113.9', secure: true });
  });

  it('prefers RFC 7239 Forwarded and walks it from the right through trusted proxies', () => {
    const chain = peerResolver(['127.0.0.1', '10.0.0.0/8']);
    const forwarded = 'for=10.9.9.9;proto=http, for="[2001:db8::17]:4711";proto=https, for=10.1.2.3;proto=http';
    assert.deepEqual(chain(request('127.0.0.1', { forwarded, 'x-forwarded-proto': 'http' }), false), { remoteAddress: '2001:db8::17', secure: true });
    assert.deepEqual(chain(request('127.0.0.1', { forwarded: 'for="192.0.2.60:8080";proto=HTTPS' }), false), { remoteAddress: '192.0.2.60', secure: true });
    assert.deepEqual(chain(request('127.0.0.1', { forwarded: 'for=unknown;proto=https' }), false), { remoteAddress: '127.0.0.1', secure: true });
    assert.deepEqual(chain(request('127.0.0.1', { forwarded: 'for="192.0.2.60;proto=https' }), false), { remoteAddress: '127.0.0.1', secure: false }, 'malformed: nothing believed');
  });
});

describe('HTTP settings of the gateway config', () => {
  it('refuses WEBSOCKET_SECURE, naming what replaced it', () => {
    const parsed = gatewayConfigSchema.safeParse({ WEBSOCKET_SECURE: 'true' });
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /TRUSTED_PROXIES/);
    assert.equal(gatewayConfigSchema.safeParse({ WEBSOCKET_SECURE: '' }).success, true, 'empty is unset');
  });

  it('reads TRUSTED_PROXIES and WEBSOCKET_ALLOWED_ORIGINS as lists and refuses what is not an address or an origin', () => {
    const parsed = gatewayConfigSchema.parse({ TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1', WEBSOCKET_ALLOWED_ORIGINS: 'https://app.example.com' });
    assert.deepEqual(parsed.TRUSTED_PROXIES, ['127.0.0.1', '10.0.0.0/8', '::1']);
    assert.deepEqual(parsed.WEBSOCKET_ALLOWED_ORIGINS, ['https://app.example.com']);
    assert.equal(gatewayConfigSchema.safeParse({ TRUSTED_PROXIES: 'proxy.example.com' }).success, false);
    assert.equal(gatewayConfigSchema.safeParse({ WEBSOCKET_ALLOWED_ORIGINS: 'app.example.com' }).success, false);
  });

  it('serves wss:// and keeps the admin listener on loopback by default', () => {
    const parsed = gatewayConfigSchema.parse({});
    assert.equal(parsed.HTTP_TLS, true);
    assert.equal(parsed.ADMIN_HTTP_PORT, 5281);
    assert.equal(parsed.ADMIN_HTTP_BIND_ADDRESS, '127.0.0.1');
    assert.deepEqual(parsed.WEBSOCKET_ALLOWED_ORIGINS, []);
  });
});
