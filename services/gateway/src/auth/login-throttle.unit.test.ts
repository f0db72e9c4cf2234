import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LoginThrottle } from './login-throttle.ts';

describe('LoginThrottle', () => {
  it('doubles the delay per failure from one address, capped', () => {
    let now = 0;
    const throttle = new LoginThrottle({ baseDelayMs: 100, maxDelayMs: 1_000, clock: () => now });
    const delays = [1, 2, 3, 4, 5, 6].map(() => throttle.failed('10.0.0.1', undefined));
    assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000]);
    now += 1;
    assert.equal(throttle.failed('10.0.0.2', undefined), 100, 'another address starts fresh');
  });

  it('counts failures per account across addresses', () => {
    const throttle = new LoginThrottle({ baseDelayMs: 100 });
    throttle.failed('a', 'alice@localhost');
    throttle.failed('b', 'alice@localhost');
    assert.equal(throttle.failed('c', 'alice@localhost'), 400);
  });

  it('forgets failures after the window and after a success', () => {
    let now = 0;
    const throttle = new LoginThrottle({ baseDelayMs: 100, windowMs: 1_000, clock: () => now });
    throttle.failed('a', 'alice@localhost');
    throttle.failed('a', 'alice@localhost');
    now = 5_000;
    assert.equal(throttle.failed('a', 'alice@localhost'), 100);
    throttle.succeeded('a', 'alice@localhost');
    assert.equal(throttle.failed('a', 'alice@localhost'), 100);
  });

  it('keeps its memory bounded', () => {
    const throttle = new LoginThrottle({ maxEntries: 10 });
    for (let i = 0; i < 100; i++) throttle.failed(`10.0.0.${i}`, undefined);
    assert.ok((throttle as unknown as { entries: Map<string, unknown> }).entries.size <= 10);
  });
});
