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

describe('FAST token lifetimes', () => {
  it('default to 21 days, rotated after 1 day', () => {
    const config = loadConfig(tokenConfigSchema, {});
    assert.equal(config.FAST_TOKEN_LIFETIME_S, 21 * 86_400);
    assert.equal(config.FAST_TOKEN_ROTATE_AFTER_S, 86_400);
  });

  it('take other values within bounds', () => {
    const config = loadConfig(tokenConfigSchema, { FAST_TOKEN_LIFETIME_S: '3600', FAST_TOKEN_ROTATE_AFTER_S: '0' });
    assert.equal(config.FAST_TOKEN_LIFETIME_S, 3600);
    assert.equal(config.FAST_TOKEN_ROTATE_AFTER_S, 0);
    assert.throws(() => loadConfig(tokenConfigSchema, { FAST_TOKEN_LIFETIME_S: '59' }), /FAST_TOKEN_LIFETIME_S/);
    assert.throws(() => loadConfig(tokenConfigSchema, { FAST_TOKEN_LIFETIME_S: String(400 * 86_400) }), /FAST_TOKEN_LIFETIME_S/);
    assert.throws(() => loadConfig(tokenConfigSchema, { FAST_TOKEN_ROTATE_AFTER_S: '-1' }), /FAST_TOKEN_ROTATE_AFTER_S/);
  });

  it('refuse a rotation age that is not below the lifetime', () => {
    assert.throws(
      () => loadConfig(tokenConfigSchema, { FAST_TOKEN_LIFETIME_S: '3600', FAST_TOKEN_ROTATE_AFTER_S: '3600' }),
      (error) => error instanceof ConfigError && /FAST_TOKEN_ROTATE_AFTER_S: must be less than FAST_TOKEN_LIFETIME_S/.test(error.message),
    );
  });
});

describe('token caches', () => {
  it('default to 32 MiB each, within 1 to 4096', () => {
    assert.equal(loadConfig(tokenConfigSchema, {}).TOKEN_CACHE_MB, 32 * 1024 * 1024);
    assert.equal(loadConfig(tokenConfigSchema, { TOKEN_CACHE_MB: '256' }).TOKEN_CACHE_MB, 256 * 1024 * 1024);
    assert.throws(() => loadConfig(tokenConfigSchema, { TOKEN_CACHE_MB: '0' }), /TOKEN_CACHE_MB/);
  });
});
