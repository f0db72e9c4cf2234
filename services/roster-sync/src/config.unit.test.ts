import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '@gatehouse/config';
import { rosterSyncConfigSchema } from './config.ts';

describe('roster-sync configuration', () => {
  it('runs with no configuration: own rosters, default limits', () => {
    const config = loadConfig(rosterSyncConfigSchema, {});
    assert.equal(config.ROSTER_HTTP_URL, undefined);
    assert.equal(config.ROSTER_HTTP_TIMEOUT_MS, 5_000);
    assert.equal(config.OFFLINE_MAX_MESSAGES, 1_000);
    assert.equal(loadConfig(rosterSyncConfigSchema, { ROSTER_HTTP_URL: '' }).ROSTER_HTTP_URL, undefined);
  });

  it('takes an http(s) roster URL with exactly one %s', () => {
    assert.equal(loadConfig(rosterSyncConfigSchema, { ROSTER_HTTP_URL: 'https://app.example/contacts/%s' }).ROSTER_HTTP_URL, 'https://app.example/contacts/%s');
    for (const url of ['https://app.example/contacts', 'https://app.example/%s/%s', 'ftp://app.example/%s']) {
      assert.throws(() => loadConfig(rosterSyncConfigSchema, { ROSTER_HTTP_URL: url }), ConfigError, url);
    }
    assert.throws(() => loadConfig(rosterSyncConfigSchema, { ROSTER_HTTP_TIMEOUT_MS: '60000' }), ConfigError);
  });
});
