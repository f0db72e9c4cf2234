import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@gatehouse/config';
import { readStartEnv } from './start-env.ts';

describe('readStartEnv', () => {
  it('has defaults for everything', () => {
    assert.deepEqual(readStartEnv({}), {
      natsUrl: 'nats://127.0.0.1:4222',
      domain: 'localhost',
      databaseUrl: undefined,
      dataDir: resolve('.data'),
      tls: undefined,
      httpTls: true,
    });
  });

  it('takes the configured values, with absolute paths', () => {
    const env = readStartEnv({
      NATS_URL: 'nats://10.0.0.1:4222',
      XMPP_DOMAIN: 'Example.ORG',
      DATABASE_URL: 'postgres://x@db/x',
      GATEHOUSE_DATA_DIR: 'var',
      TLS_CERT_FILE: 'c.pem',
      TLS_KEY_FILE: 'k.pem',
      HTTP_TLS: 'false',
    });
    assert.deepEqual(env, {
      natsUrl: 'nats://10.0.0.1:4222',
      domain: 'example.org',
      databaseUrl: 'postgres://x@db/x',
      dataDir: resolve('var'),
      tls: { certFile: resolve('c.pem'), keyFile: resolve('k.pem') },
      httpTls: false,
    });
  });

  it('refuses a certificate without its key', () => {
    assert.throws(() => readStartEnv({ TLS_CERT_FILE: 'c.pem' }), ConfigError);
  });

  it('refuses a NATS_URL that is not a URL', () => {
    assert.throws(() => readStartEnv({ NATS_URL: 'not a url' }), ConfigError);
  });
});
