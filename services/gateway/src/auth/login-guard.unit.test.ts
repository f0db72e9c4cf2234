import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@gatehouse/telemetry';
import { AddressSlots } from './address-slots.ts';
import { memoryFailureCounters } from './failure-counters.ts';
import { LoginGuard } from './login-guard.ts';
import { LoginThrottle } from './login-throttle.ts';

function guards(caps: { connections: number; attempts: number }) {
  const deps = {
    domain: 'localhost',
    throttle: new LoginThrottle(memoryFailureCounters({ windowMs: 60_000 }), createLogger('gateway:test', 'silent'), { baseDelayMs: 1 }),
    authSlots: new AddressSlots(caps.attempts),
    unauthenticatedConnections: new AddressSlots(caps.connections),
  };
  return { deps, guard: () => new LoginGuard('192.0.2.1', deps) };
}

describe('LoginGuard', () => {
  it('admits a connection only while its address has an unauthenticated slot, and frees it on success or release', () => {
    const { guard } = guards({ connections: 1, attempts: 1 });
    const first = guard();
    assert.equal(first.admitted, true);
    assert.equal(guard().admitted, false);
    first.succeeded('alice@localhost');
    const second = guard();
    assert.equal(second.admitted, true, 'an authenticated stream no longer counts');
    second.release();
    second.release();
    assert.equal(guard().admitted, true, 'released once, however often it is called');
  });

  it('holds one attempt slot per attempt, freed by its outcome', () => {
    const { guard } = guards({ connections: 10, attempts: 1 });
    const one = guard();
    const other = guard();
    assert.equal(one.admitAttempt(), true);
    assert.equal(one.admitAttempt(), true, 'the same attempt asking again keeps its slot');
    assert.equal(other.admitAttempt(), false);
    one.failed('alice', false);
    assert.equal(other.admitAttempt(), true);
  });

  it('counts a wrong credential for the throttle, but not a protocol slip', async () => {
    const { deps, guard } = guards({ connections: 10, attempts: 10 });
    guard().failed('bob', false);
    assert.equal((await deps.throttle.holdFor('198.51.100.1', 'bob@localhost')).accountFailures, 0);
    guard().failed('Bob', true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await deps.throttle.holdFor('198.51.100.1', 'bob@localhost')).accountFailures, 1);
  });
});
