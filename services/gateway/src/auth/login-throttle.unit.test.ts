import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@gatehouse/telemetry';
import { LoginThrottle, throttledAccount } from './login-throttle.ts';
import { memoryFailureCounters, withLocalFallback, type FailureCounters } from './failure-counters.ts';

const logger = createLogger('gateway:test', 'silent');

function throttleWith(options: { clock?: () => number; windowMs?: number; counters?: FailureCounters } = {}) {
  const windowMs = options.windowMs ?? 60_000;
  const counters = options.counters ?? memoryFailureCounters({ windowMs, clock: options.clock });
  return new LoginThrottle(counters, logger, { freeFailures: 2, freeFailuresPerAddress: 2, baseDelayMs: 100, maxDelayMs: 1_000, windowMs, clock: options.clock });
}

const delay = async (throttle: LoginThrottle, address: string, account?: string) => (await throttle.holdFor(address, account)).delayMs;

describe('LoginThrottle', () => {
  it('lets the first failures pass, then doubles the hold per failure from one address, capped', async () => {
    const throttle = throttleWith();
    const holds: number[] = [];
    for (let i = 0; i < 7; i++) {
      holds.push(await delay(throttle, '10.0.0.1'));
      await throttle.failed('10.0.0.1', undefined);
    }
    assert.deepEqual(holds, [0, 0, 0, 100, 200, 400, 800]);
    assert.equal(await delay(throttle, '10.0.0.1'), 1_000);
    assert.equal(await delay(throttle, '10.0.0.2'), 0, 'another address starts fresh');
  });

  it('holds a right guess exactly as long as a wrong one once throttled', async () => {
    const throttle = throttleWith();
    for (let i = 0; i < 5; i++) await throttle.failed(`10.0.1.${i}`, 'alice@localhost');
    // The hold is decided before the outcome is known, so it cannot differ by outcome.
    const forRight = await delay(throttle, '10.0.2.1', 'alice@localhost');
    const forWrong = await delay(throttle, '10.0.2.2', 'alice@localhost');
    assert.equal(forRight, 400);
    assert.equal(forWrong, forRight);
  });

  it('counts failures per account across addresses', async () => {
    const throttle = throttleWith();
    for (const address of ['a', 'b', 'c']) await throttle.failed(address, 'alice@localhost');
    assert.equal(await delay(throttle, 'd', 'alice@localhost'), 100);
    assert.equal(await delay(throttle, 'd', 'bob@localhost'), 0);
  });

  it('a success clears only its account: not the address, not other accounts', async () => {
    const throttle = throttleWith();
    for (let i = 0; i < 3; i++) {
      await throttle.failed('10.0.0.9', 'alice@localhost');
      await throttle.failed('10.0.0.8', 'carol@localhost');
    }
    await throttle.succeeded('mallory@localhost');
    await throttle.succeeded('alice@localhost');
    assert.equal(await delay(throttle, '10.0.0.7', 'alice@localhost'), 0);
    assert.equal(await delay(throttle, '10.0.0.9', 'mallory@localhost'), 100, 'the guessing address stays throttled');
    assert.equal(await delay(throttle, '10.0.0.7', 'carol@localhost'), 100);
  });

  it('forgets failures after the window', async () => {
    let now = 0;
    const throttle = throttleWith({ clock: () => now, windowMs: 1_000 });
    for (let i = 0; i < 4; i++) await throttle.failed('a', 'alice@localhost');
    assert.equal(await delay(throttle, 'a', 'alice@localhost'), 200);
    now = 5_000;
    assert.equal(await delay(throttle, 'a', 'alice@localhost'), 0);
  });

  it('shares counts through the store: a second replica holds what the first counted', async () => {
    const shared = memoryFailureCounters({ windowMs: 60_000 });
    const first = throttleWith({ counters: shared });
    const second = throttleWith({ counters: shared });
    for (let i = 0; i < 4; i++) await first.failed(`10.0.3.${i}`, 'alice@localhost');
    assert.equal(await delay(second, '10.0.4.1', 'alice@localhost'), 200);
  });

  it('counts in memory when the shared store fails, and never rejects', async () => {
    const broken: FailureCounters = {
      get: () => Promise.reject(new Error('no responders')),
      increment: () => Promise.reject(new Error('no responders')),
      reset: () => Promise.reject(new Error('no responders')),
    };
    const counters = withLocalFallback(broken, memoryFailureCounters({ windowMs: 60_000 }), logger, 50);
    const throttle = throttleWith({ counters });
    for (let i = 0; i < 3; i++) await throttle.failed('10.0.5.1', 'alice@localhost');
    assert.equal(await delay(throttle, '10.0.5.2', 'alice@localhost'), 100);
    await throttle.succeeded('alice@localhost');
    assert.equal(await delay(throttle, '10.0.5.2', 'alice@localhost'), 0);
  });

  it('keys an account by its normalised bare JID', async () => {
    assert.equal(throttledAccount('Alice', 'localhost'), 'alice@localhost');
    assert.equal(throttledAccount('aLice', 'LocalHost'), 'alice@localhost');
    assert.equal(throttledAccount('a/b', 'localhost'), undefined);
    const throttle = throttleWith();
    for (const typed of ['Alice', 'aLice', 'ALICE']) await throttle.failed('10.0.6.1', throttledAccount(typed, 'localhost'));
    assert.equal(await delay(throttle, '10.0.6.2', throttledAccount('alice', 'localhost')), 100);
  });

  it('keeps its memory bounded', async () => {
    const counters = memoryFailureCounters({ windowMs: 60_000, maxEntries: 10 });
    for (let i = 0; i < 100; i++) await counters.increment(`ip.${i}`);
    let kept = 0;
    for (let i = 0; i < 100; i++) if ((await counters.get(`ip.${i}`)) > 0) kept++;
    assert.ok(kept <= 10);
  });
});
