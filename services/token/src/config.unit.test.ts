import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@gatehouse/config';
import { tokenConfigSchema } from './config.ts';

describe('token config', () => {
  it('defaults to 4096 SCRAM iterations and the common defaults', () => {
    const config = loadConfig(tokenConfigSchema, {});
    assert.equal(config.SCRAM_ITERATIONS, 4096);
    assert.equal(config.XMPP_DOMAIN, 'localhost');
    assert.equal(config.GATEHOUSE_NAMESPACE, 'gatehouse');
  });

  it('takes more iterations, never fewer than RFC 7677 asks for', () => {
    assert.equal(loadConfig(tokenConfigSchema, { SCRAM_ITERATIONS: '10000' }).SCRAM_ITERATIONS, 10000);
    assert.throws(() => loadConfig(tokenConfigSchema, { SCRAM_ITERATIONS: '1000' }), ConfigError);
    assert.throws(() => loadConfig(tokenConfigSchema, { SCRAM_ITERATIONS: 'many' }), /SCRAM_ITERATIONS/);
  });
});
