import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@gatehouse/config';
import { planGateways } from './ports.ts';

describe('planGateways', () => {
  it('puts replica i on the default ports + 100·i', () => {
    assert.deepEqual(planGateways(2, {}), [
      { replica: 'gw0', c2s: 5222, c2sTls: 5223, http: 5280, admin: 5281 },
      { replica: 'gw1', c2s: 5322, c2sTls: 5323, http: 5380, admin: 5381 },
    ]);
  });

  it('starts from C2S_PORT, C2S_TLS_PORT, HTTP_PORT and ADMIN_HTTP_PORT when set', () => {
    assert.deepEqual(planGateways(2, { C2S_PORT: '20000', C2S_TLS_PORT: '20001', HTTP_PORT: '20002', ADMIN_HTTP_PORT: '20003' }), [
      { replica: 'gw0', c2s: 20000, c2sTls: 20001, http: 20002, admin: 20003 },
      { replica: 'gw1', c2s: 20100, c2sTls: 20101, http: 20102, admin: 20103 },
    ]);
  });

  it('refuses base ports that push a replica past 65535', () => {
    assert.throws(() => planGateways(3, { HTTP_PORT: '65400' }), ConfigError);
    assert.throws(() => planGateways(3, { ADMIN_HTTP_PORT: '65400' }), ConfigError);
    assert.throws(() => planGateways(1, { C2S_PORT: 'http' }), ConfigError);
  });
});
