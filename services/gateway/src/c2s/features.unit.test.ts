import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mechanismsFor, withheldAuthentication } from './features.ts';

describe('what a login cannot use, and why (logged)', () => {
  const stream = { kind: 'tls' as const, secure: true, channelBinding: true, enforceClientIds: false };

  it('withholds nothing on a TLS stream with channel binding', () => {
    assert.deepEqual(withheldAuthentication(stream), []);
  });

  it('names wss:// and TRUSTED_PROXIES when a WebSocket is not encrypted, at info', () => {
    const [withheld] = withheldAuthentication({ ...stream, kind: 'websocket', secure: false, channelBinding: false });
    assert.equal(withheld?.what, 'SASL, SASL2 and FAST');
    assert.match(withheld?.why ?? '', /wss:\/\/.*TRUSTED_PROXIES/);
    assert.equal(withheld?.level, 'info');
  });

  it('offers no SASL mechanism without TLS, PLAIN and SCRAM with it (RFC 6120 §13.9)', () => {
    assert.deepEqual(mechanismsFor(false), []);
    assert.deepEqual(mechanismsFor(true), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
  });

  it('explains a missing HT-SHA-256-ENDP and legacy SASL at debug', () => {
    assert.deepEqual(
      withheldAuthentication({ ...stream, kind: 'websocket', channelBinding: false, enforceClientIds: true }).map(({ what, level }) => [what, level]),
      [
        ['HT-SHA-256-ENDP', 'debug'],
        ['legacy SASL', 'debug'],
      ],
    );
  });
});
