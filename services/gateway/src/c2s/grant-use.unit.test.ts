import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GRANT_USE_RESOLUTION_MS, grantNeedsRecording } from './grant-use.ts';

const now = Date.parse('2026-12-07T12:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('grantNeedsRecording', () => {
  it('records a password login of a client with no live grant: it makes one', () => {
    assert.equal(grantNeedsRecording({ clientId: 'phone', fast: false }, now), true);
  });

  it('skips a known client used within the hour, and records one used longer ago', () => {
    assert.equal(grantNeedsRecording({ clientId: 'phone', fast: false, grantUsedAt: ago(60_000) }, now), false);
    assert.equal(grantNeedsRecording({ clientId: 'phone', fast: false, grantUsedAt: ago(GRANT_USE_RESOLUTION_MS) }, now), true);
  });

  it('never records a FAST login, nor a login without a client id', () => {
    assert.equal(grantNeedsRecording({ clientId: 'phone', fast: true }, now), false);
    assert.equal(grantNeedsRecording({ fast: false }, now), false);
  });

  it('records when the last use it was told cannot be read', () => {
    assert.equal(grantNeedsRecording({ clientId: 'phone', fast: false, grantUsedAt: 'yesterday' }, now), true);
  });
});
