/**
 * The login throttle's mirrored counters (failure-counters.ts) against a real NATS: two
 * replicas on one bucket, each answering `get` from its own mirror.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { openKv } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { cleanupNamespace, natsUrl, testNamespace, waitFor } from '@gatehouse/testing';
import { mirroredFailureCounters } from './failure-counters.ts';

const WINDOW_MS = 60_000;
const logger = createLogger('failure-counters-test', 'silent');

describe('mirrored failure counters', () => {
  let nc: NatsConnection;
  const ns = testNamespace();
  before(async () => {
    nc = await connect({ servers: natsUrl() });
  });
  after(async () => {
    await cleanupNamespace(nc, ns);
    await nc.close();
  });

  it("sees a failure counted on another replica, and its reset, from its own mirror", async () => {
    const kv = await openKv(nc, namesFor(ns).buckets.loginFailures, { maxAgeMs: WINDOW_MS });
    const a = await mirroredFailureCounters(kv, { windowMs: WINDOW_MS, owner: 'a', logger });
    const b = await mirroredFailureCounters(kv, { windowMs: WINDOW_MS, owner: 'b', logger });
    try {
      assert.equal(await a.increment('account.x'), 1);
      assert.equal(await b.increment('account.x'), 2, 'the count is shared, not per replica');
      await waitFor(async () => ((await a.get('account.x')) === 2 ? true : undefined));
      await a.reset('account.x');
      await waitFor(async () => ((await b.get('account.x')) === 0 ? true : undefined));
    } finally {
      a.stop();
      b.stop();
    }
  });

  it('forgets a count once the window has passed since the last failure, as the bucket does', async () => {
    const kv = await openKv(nc, `${namesFor(ns).buckets.loginFailures}_clock`, { maxAgeMs: WINDOW_MS });
    let now = Date.now();
    const counters = await mirroredFailureCounters(kv, { windowMs: WINDOW_MS, owner: 'c', logger, clock: () => now });
    try {
      await counters.increment('ip.y');
      assert.equal(await counters.get('ip.y'), 1);
      now += WINDOW_MS;
      assert.equal(await counters.get('ip.y'), 0);
    } finally {
      counters.stop();
    }
  });

  it('starts from what the bucket holds, and keeps at most maxEntries keys', async () => {
    const kv = await openKv(nc, `${namesFor(ns).buckets.loginFailures}_bounded`, { maxAgeMs: WINDOW_MS });
    await kv.put('account.old', '3');
    const counters = await mirroredFailureCounters(kv, { windowMs: WINDOW_MS, owner: 'd', logger, maxEntries: 2 });
    try {
      assert.equal(await counters.get('account.old'), 3);
      await counters.increment('account.p');
      await counters.increment('account.q');
      assert.equal(await counters.get('account.old'), 0, 'the least recently failed key left the mirror');
      assert.equal(await counters.get('account.q'), 1);
    } finally {
      counters.stop();
    }
  });
});
