import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { createEvent, namesFor } from '@gatehouse/events';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { appendEvent, ensureStreams, readAggregate, StreamFullError, type StreamLimits } from './index.ts';

const limits: StreamLimits = { STREAM_SESSIONS_MAX_AGE_S: 86_400, STREAM_SESSIONS_MAX_BYTES: 8 * 1024 ** 2, STREAM_AGGREGATES_MAX_MSGS: 100_000 };
const NS_PER_S = 1_000_000_000;

describe('ensureStreams with limits', () => {
  let ctx: NatsTestContext;
  before(async () => (ctx = await setupNats()));
  after(() => ctx.cleanup());

  it('gives the sessions stream an age and size limit (oldest go) and every aggregate stream only an event ceiling (new refused)', async () => {
    await ensureStreams(ctx.nc, ctx.ns, { limits });
    const jsm = await jetstreamManager(ctx.nc);
    const names = namesFor(ctx.ns);
    const sessions = (await jsm.streams.info(names.streams.sessions)).config;
    assert.deepEqual([sessions.discard, sessions.max_age, sessions.max_bytes, sessions.max_msgs], ['old', 86_400 * NS_PER_S, 8 * 1024 ** 2, -1]);
    for (const stream of [names.streams.accounts, names.streams.tokens, names.streams.rosters, names.streams.clients]) {
      const { config } = await jsm.streams.info(stream);
      assert.deepEqual([config.discard, config.max_age, config.max_bytes, config.max_msgs], ['new', 0, -1, 100_000], stream);
    }
  });

  it('updates the limits of streams a stack made before (none, or others), and a caller without limits leaves them', async () => {
    const old = await setupNats();
    try {
      const names = namesFor(old.ns);
      const jsm = await jetstreamManager(old.nc);
      await ensureStreams(old.nc, old.ns);
      assert.deepEqual([(await jsm.streams.info(names.streams.accounts)).config.discard, (await jsm.streams.info(names.streams.accounts)).config.max_msgs], ['old', -1]);
      await ensureStreams(old.nc, old.ns, { limits });
      await ensureStreams(old.nc, old.ns, { limits: { ...limits, STREAM_SESSIONS_MAX_AGE_S: 3_600, STREAM_AGGREGATES_MAX_MSGS: 200_000 } });
      await ensureStreams(old.nc, old.ns);
      assert.equal((await jsm.streams.info(names.streams.sessions)).config.max_age, 3_600 * NS_PER_S);
      assert.equal((await jsm.streams.info(names.streams.accounts)).config.max_msgs, 200_000);
      assert.equal((await jsm.streams.info(names.streams.accounts)).config.discard, 'new');
    } finally {
      await old.cleanup();
    }
  });

  it('a full aggregate stream refuses a new event with StreamFullError and keeps every old one, even when its ceiling is lowered', async () => {
    const other = await setupNats();
    try {
      await ensureStreams(other.nc, other.ns, { limits: { ...limits, STREAM_AGGREGATES_MAX_MSGS: 8 } });
      const names = namesFor(other.ns);
      const append = (i: number) =>
        appendEvent(other.nc, createEvent('gatehouse.account.deleted.v1', { subject: names.subjects.account(`u${i}@capulet.lit`), source: 'test', data: { jid: `u${i}@capulet.lit` } }));
      let stored = 0;
      let refused: unknown;
      for (let i = 0; i < 50 && refused === undefined; i += 1) {
        try {
          await append(i);
          stored += 1;
        } catch (error) {
          refused = error;
        }
      }
      assert.ok(refused instanceof StreamFullError && refused.code === 'stream-full', String(refused));
      assert.equal(stored, 8);
      await ensureStreams(other.nc, other.ns, { limits: { ...limits, STREAM_AGGREGATES_MAX_MSGS: 3 } });
      const { events } = await readAggregate(other.nc, names.streams.accounts, names.subjects.accounts);
      assert.equal(events.length, 8, 'nothing old was dropped to make room');
      assert.equal((events[0]?.data as { jid: string }).jid, 'u0@capulet.lit');
      await assert.rejects(append(99), StreamFullError);
    } finally {
      await other.cleanup();
    }
  });
});
