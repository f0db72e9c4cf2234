import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { originPolicy } from './origin-policy.ts';

describe('WEBSOCKET_ALLOWED_ORIGINS', () => {
  it('lets native clients (no Origin) in and keeps every browser page out by default', () => {
    const allowed = originPolicy([]);
    assert.equal(allowed(undefined), true);
    assert.equal(allowed('https://evil.example'), false);
    assert.equal(allowed('null'), false);
  });

  it('lets a listed origin in, compared as an origin (case, default port)', () => {
    const allowed = originPolicy(['https://App.example.com:443']);
    assert.equal(allowed('https://app.example.com'), true);
    assert.equal(allowed('http://app.example.com'), false);
    assert.equal(allowed('https://app.example.com.evil.example'), false);
  });

  it('lets any page in with *', () => {
    assert.equal(originPolicy(['*'])('https://anything.example'), true);
  });
});
