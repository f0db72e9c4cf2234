import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ConfigError, booleanFromEnv, cacheMegabytes, commonEnv, loadConfig } from './index.ts';

describe('loadConfig', () => {
  const schema = z.object({ ...commonEnv, FLAG: booleanFromEnv(false), PORT: z.coerce.number().int().default(5222) });

  it('applies the defaults a fresh machine needs', () => {
    const config = loadConfig(schema, {});
    assert.equal(config.NATS_URL, 'nats://127.0.0.1:4222');
    assert.equal(config.GATEHOUSE_NAMESPACE, 'gatehouse');
    assert.equal(config.XMPP_DOMAIN, 'localhost');
    assert.equal(config.FLAG, false);
    assert.equal(config.PORT, 5222);
    assert.ok(Object.isFrozen(config));
  });

  it('reads booleans and lower-cases the domain', () => {
    const config = loadConfig(schema, { FLAG: 'yes', XMPP_DOMAIN: 'Example.ORG' });
    assert.equal(config.FLAG, true);
    assert.equal(config.XMPP_DOMAIN, 'example.org');
  });

  it('names every bad variable in one error', () => {
    assert.throws(
      () => loadConfig(schema, { GATEHOUSE_NAMESPACE: 'Bad.Name', PORT: 'many' }),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 2 && /GATEHOUSE_NAMESPACE/.test(error.message) && /PORT/.test(error.message),
    );
  });
});

describe('cacheMegabytes', () => {
  const schema = z.object({ CACHE_MB: cacheMegabytes() });

  it('reads MiB and gives bytes, 32 MiB by default', () => {
    assert.equal(loadConfig(schema, {}).CACHE_MB, 32 * 1024 * 1024);
    assert.equal(loadConfig(schema, { CACHE_MB: '4096' }).CACHE_MB, 4096 * 1024 * 1024);
  });

  it('refuses nothing, fractions and more than 4 GiB, naming the variable', () => {
    for (const value of ['0', '1.5', '4097', 'lots']) assert.throws(() => loadConfig(schema, { CACHE_MB: value }), (error: Error) => error instanceof ConfigError && /CACHE_MB/.test(error.message));
  });
});
