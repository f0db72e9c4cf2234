import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withheldAuthentication } from './features.ts';

describe('what a login cannot use, and why (logged)', () => {
  const stream = { kind: 'tls' as const, secure: true, channelBinding: true, enforceClientIds: false };

  it('withholds nothing on a TLS stream with channel binding', () => {
    assert.deepEqual(withheldAuthentication(stream), []);
  });

  it('names WEBSOCKET_SECURE when a WebSocket is not marked secure, at info', () => {
    const [withheld] = withheldAuthentication({ ...stream, kind: 'websocket', secure: false, channelBinding: false });
    assert.equal(withheld?.what, 'SASL2, FAST and PLAIN');
    assert.match(withheld?.why ?? '', /WEBSOCKET_SECURE=true/);
    assert.equal(withheld?.level, 'info');
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
