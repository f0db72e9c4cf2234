import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { namesFor } from '@gatehouse/events';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { openKv } from './index.ts';

describe('openKv', () => {
  let ctx: NatsTestContext;
  before(async () => (ctx = await setupNats()));
  after(() => ctx.cleanup());

  it('creates a bucket with max age and history, then binds to it', async () => {
    const bucket = namesFor(ctx.ns).buckets.replicas;
    const kv = await openKv(ctx.nc, bucket, { maxAgeMs: 15_000, history: 3 });
    await kv.put('gw-1', JSON.stringify({ startedAt: 'now' }));
    const { config } = await (await jetstreamManager(ctx.nc)).streams.info(`KV_${bucket}`);
    assert.equal(config.max_age, 15_000_000_000);
    assert.equal(config.max_msgs_per_subject, 3);
    const again = await openKv(ctx.nc, bucket);
    assert.equal((await again.get('gw-1'))?.string(), '{"startedAt":"now"}');
  });

  it('lets two processes open a new bucket at once', async () => {
    const bucket = namesFor(ctx.ns).buckets.sessions;
    const [a, b] = await Promise.all([openKv(ctx.nc, bucket), openKv(ctx.nc, bucket)]);
    await a.create('k', 'v');
    assert.equal((await b.get('k'))?.string(), 'v');
  });
});
