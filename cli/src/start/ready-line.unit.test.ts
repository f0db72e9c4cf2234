import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReadyLine, portsFromReady } from './ready-line.ts';

const gateways = [
  { replica: 'gw0', c2s: 5222, c2sTls: 5223, http: 5280, admin: 5281 },
  { replica: 'gw1', c2s: 5322, c2sTls: 5323, http: 5380, admin: 5381 },
];

describe('formatReadyLine', () => {
  it('names the domain, every replica’s ports, NATS and PostgreSQL on one line', () => {
    const line = formatReadyLine({
      domain: 'localhost',
      gateways,
      natsUrl: 'nats://127.0.0.1:4222',
      natsStarted: false,
      database: { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres' },
      logDir: '/srv/.data/logs',
      httpTls: true,
    });
    assert.equal(
      line,
      'Gatehouse ready: domain localhost; ' +
        'gateway gw0 c2s 5222 (STARTTLS) 5223 (TLS) http 5280 (wss://localhost:5280/xmpp-websocket) admin 5281; ' +
        'gateway gw1 c2s 5322 (STARTTLS) 5323 (TLS) http 5380 (wss://localhost:5380/xmpp-websocket) admin 5381; ' +
        'NATS nats://127.0.0.1:4222; PostgreSQL postgres://postgres@127.0.0.1:5432/postgres; logs in /srv/.data/logs',
    );
    assert.doesNotMatch(line, /\n/);
  });

  it('hides passwords and says when NATS was started here or PostgreSQL is embedded', () => {
    const line = formatReadyLine({
      domain: 'example.org',
      gateways: gateways.slice(0, 1),
      natsUrl: 'nats://user:hunter2@127.0.0.1:4222',
      natsStarted: true,
      database: { kind: 'pglite', dir: '/srv/.data/pg' },
      logDir: '/srv/.data/logs',
      httpTls: false,
    });
    assert.doesNotMatch(line, /hunter2/);
    assert.match(line, /NATS nats:\/\/user:\*\*\*@127\.0\.0\.1:4222 \(started here\)/);
    assert.match(line, /PostgreSQL embedded PGlite in \/srv\/\.data\/pg/);
    assert.match(line, /\(ws:\/\/localhost:5280\/xmpp-websocket\) admin 5281/, 'HTTP_TLS=false: plain ws:// for a proxy');
  });
});

describe('portsFromReady', () => {
  it('prefers the ports the gateway reports and falls back to the plan', () => {
    assert.deepEqual(portsFromReady(gateways[0]!, { ports: { c2s: 1, c2sTls: 2, http: 3, admin: 4 } }), { replica: 'gw0', c2s: 1, c2sTls: 2, http: 3, admin: 4 });
    assert.deepEqual(portsFromReady(gateways[0]!, {}), gateways[0]);
  });
});
