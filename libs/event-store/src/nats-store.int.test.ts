import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { ensureStreams, openKv, readAggregate, type KV } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { natsUrl, setupNats, type NatsTestContext } from '@gatehouse/testing';
import { createNatsEventStore, snapshotKey, type NatsEventStoreOptions } from './index.ts';
import { counter, type CounterCommand, type CounterState } from './test-counter.ts';

/*
 * The test aggregate is the counter of test-counter.ts: block-list events on the rosters
 * stream, one per increment, the command id in the event, so a lost or doubled command
 * shows in the folded state.
 */

const increment = (owner: string, id: string): CounterCommand => ({ type: 'Increment', owner, id });

/** A pino logger that keeps what it logs. */
function recordingLogger() {
  const entries: { level: number; msg: string; why?: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void entries.push(JSON.parse(line)) });
  return { logger, messages: (msg: string) => entries.filter((entry) => entry.msg === msg) };
}

/**
 * The JetStream API requests made about `streams` while `run` runs, by kind (`DIRECT`,
 * `CONSUMER`...): JetStream's API is requests on `$JS.API.<kind>.<verb>.<stream>...`, which
 * any subscriber sees. Only this test's streams count: other tests may share the server.
 */
async function apiCalls<T>(nc: NatsConnection, streams: string[], run: () => Promise<T>): Promise<{ result: T; calls: Record<string, number> }> {
  const calls: Record<string, number> = {};
  const count = (_: unknown, message: { subject: string }) => {
    const kind = message.subject.split('.')[2]!;
    calls[kind] = (calls[kind] ?? 0) + 1;
  };
  const subs = streams.flatMap((stream) => [nc.subscribe(`$JS.API.*.*.${stream}`, { callback: count }), nc.subscribe(`$JS.API.*.*.${stream}.>`, { callback: count })]);
  await nc.flush();
  try {
    const result = await run();
    await nc.flush();
    return { result, calls };
  } finally {
    for (const sub of subs) sub.unsubscribe();
  }
}

describe('NATS event store', () => {
  let ctx: NatsTestContext;
  let other: NatsConnection;
  let names: ReturnType<typeof namesFor>;
  let bucket: string;
  let kv: KV;
  const log = recordingLogger();

  /** The stream of the aggregates and the stream of the snapshot bucket. */
  const watched = () => [names.streams.rosters, `KV_${bucket}`];
  const store = (nc: NatsConnection, options: Partial<NatsEventStoreOptions> = {}) =>
    createNatsEventStore(nc, counter(ctx.ns), { stream: names.streams.rosters, source: 'test', logger: log.logger, snapshots: { bucket, every: 100 }, ...options });

  const putSnapshot = (owner: string, snapshot: unknown) =>
    kv.put(snapshotKey(names.subjects.blocklist(owner)), typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot));
  const snapshotOf = async (owner: string) => {
    const entry = await kv.get(snapshotKey(names.subjects.blocklist(owner)));
    return entry?.operation === 'PUT' ? entry.json<{ version: number; sequence: number; eventId: string; state: CounterState }>() : undefined;
  };
  /** The state folded from the stream by hand, without the store. */
  const folded = async (owner: string) => {
    const { events, lastSequence } = await readAggregate(ctx.nc, names.streams.rosters, names.subjects.blocklist(owner));
    const definition = counter(ctx.ns);
    return { state: events.filter(definition.isEvent).reduce(definition.evolve, definition.initialState()), sequence: lastSequence };
  };
  /** Increments the counter `n` times through a store of its own; the stored events. */
  const history = async (owner: string, n: number) => {
    const writer = await store(ctx.nc, { snapshots: undefined });
    const stored = [];
    for (let i = 1; i <= n; i += 1) stored.push(...(await writer.execute(owner, increment(owner, `e${i}`))).events);
    return stored;
  };

  before(async () => {
    ctx = await setupNats();
    other = await connect({ servers: natsUrl(), name: 'gatehouse-test-replica-b' });
    names = namesFor(ctx.ns);
    bucket = `${ctx.ns}_counter_snapshots`;
    await ensureStreams(ctx.nc, ctx.ns);
    kv = await openKv(ctx.nc, bucket, { history: 1 });
  });
  after(async () => {
    await other.close();
    await ctx.cleanup();
  });

  it('two replicas racing on one aggregate store every command exactly once', async () => {
    const owner = 'race@localhost';
    // Each lost attempt means the other replica stored one of its 20 commands meanwhile, so 21
    // attempts always suffice: this test is about exactly-once; the attempt limit is unit-tested.
    const [a, b] = await Promise.all([store(ctx.nc, { maxAttempts: 21 }), store(other, { maxAttempts: 21 })]);
    // Both start from the same cached state, so their first appends conflict.
    await Promise.all([a.read(owner), b.read(owner)]);
    const conflicts = log.messages('conflict: aggregate loaded again, command decided again').length;
    const ids = Array.from({ length: 20 }, (_, i) => [`a${i}`, `b${i}`]).flat();
    const outcomes = await Promise.all(ids.map((id) => (id.startsWith('a') ? a : b).execute(owner, increment(owner, id))));

    assert.ok(log.messages('conflict: aggregate loaded again, command decided again').length > conflicts, 'the replicas did conflict');
    assert.deepEqual(outcomes.map((outcome) => outcome.events.length), Array(40).fill(1));
    assert.equal(new Set(outcomes.map((outcome) => outcome.sequence)).size, 40);
    const { state, sequence } = await folded(owner);
    assert.equal(state.count, 40);
    assert.deepEqual([...state.log].sort(), ids.map((id) => `+${id}`).sort(), 'each command stored once');
    for (const replica of [a, b]) assert.deepEqual(await replica.load(owner), { state, sequence });
  });

  it('loads an aggregate never seen as the initial state at sequence 0, with one direct get and no consumer', async () => {
    const fresh = await store(ctx.nc);
    const { result, calls } = await apiCalls(ctx.nc, watched(), () => fresh.load('nobody@localhost'));
    assert.deepEqual(result, { state: { count: 0, log: [] }, sequence: 0 });
    assert.deepEqual(calls, { DIRECT: 1 });
  });

  it('continues a snapshot behind the stream with only the events after it', async () => {
    const owner = 'behind@localhost';
    const stored = await history(owner, 5);
    const third = stored[2]!;
    // Recognisably not the fold: a snapshot that is used shows in the state.
    await putSnapshot(owner, { version: 1, sequence: third.sequence, eventId: third.event.id, state: { count: 1000, log: ['snapshot'] } });
    assert.deepEqual(await (await store(ctx.nc)).load(owner), { state: { count: 1002, log: ['snapshot', '+e4', '+e5'] }, sequence: stored[4]!.sequence });
  });

  it('uses a snapshot at the last event without reading the stream', async () => {
    const owner = 'current@localhost';
    const stored = await history(owner, 2);
    const last = stored[1]!;
    await putSnapshot(owner, { version: 1, sequence: last.sequence, eventId: last.event.id, state: { count: 1000, log: ['snapshot'] } });
    const fresh = await store(ctx.nc);
    const { result, calls } = await apiCalls(ctx.nc, watched(), () => fresh.load(owner));
    assert.deepEqual(result, { state: { count: 1000, log: ['snapshot'] }, sequence: last.sequence });
    assert.equal(calls.CONSUMER, undefined);
  });

  it('ignores and deletes a snapshot ahead of the stream, and one of another history', async () => {
    for (const [owner, why, snapshotFor] of [
      ['ahead@localhost', 'ahead of the stream', (last: { sequence: number; event: { id: string } }) => ({ sequence: last.sequence + 1000, eventId: last.event.id })],
      // As after the stream was recreated: an event at the snapshot's sequence, not the snapshot's.
      ['recreated@localhost', "not the stream's history", (last: { sequence: number }) => ({ sequence: last.sequence - 1, eventId: '7d0c5f4e-0000-4000-8000-000000000000' })],
    ] as const) {
      const stored = await history(owner, 3);
      await putSnapshot(owner, { version: 1, ...snapshotFor(stored[2]!), state: { count: 1000, log: ['snapshot'] } });
      const ignored = log.messages('snapshot ignored and deleted').length;
      assert.deepEqual(await (await store(ctx.nc)).load(owner), await folded(owner), owner);
      assert.equal((await folded(owner)).state.count, 3);
      assert.equal(await snapshotOf(owner), undefined, `${owner}: deleted`);
      assert.deepEqual(log.messages('snapshot ignored and deleted').slice(ignored).map((entry) => entry.why), [why]);
    }
  });

  it('ignores and deletes a snapshot it cannot read: bad JSON, another version, no state', async () => {
    const owner = 'corrupt@localhost';
    const stored = await history(owner, 2);
    const { sequence, event } = stored[1]!;
    for (const snapshot of ['{"version": 1, "seq', { version: 2, sequence, eventId: event.id, state: { count: 1000, log: [] } }, { version: 1, sequence: 'x', eventId: event.id }]) {
      await putSnapshot(owner, snapshot);
      const ignored = log.messages('snapshot ignored and deleted').length;
      assert.deepEqual((await (await store(ctx.nc)).load(owner)).state, { count: 2, log: ['+e1', '+e2'] });
      assert.equal(await snapshotOf(owner), undefined);
      assert.equal(log.messages('snapshot ignored and deleted').length, ignored + 1);
    }
  });

  it('writes a snapshot every K events, and a load from it equals the fold', async () => {
    const owner = 'long@localhost';
    const writer = await store(ctx.nc, { snapshots: { bucket, every: 3 } });
    const outcomes = [];
    for (let i = 1; i <= 7; i += 1) outcomes.push(await writer.execute(owner, increment(owner, `e${i}`)));
    const sixth = outcomes[5]!;
    assert.deepEqual(await snapshotOf(owner), { version: 1, sequence: sixth.sequence, eventId: sixth.events[0]!.event.id, state: sixth.state });
    const withSnapshot = await (await store(ctx.nc)).load(owner);
    const without = await (await store(ctx.nc, { snapshots: undefined })).load(owner);
    assert.deepEqual(withSnapshot, await folded(owner));
    assert.deepEqual(without, withSnapshot);
  });

  it('writes a snapshot when a load folds K events or more', async () => {
    const owner = 'loaded-long@localhost';
    const stored = await history(owner, 4);
    await (await store(ctx.nc, { snapshots: { bucket, every: 4 } })).load(owner);
    assert.deepEqual(await snapshotOf(owner), { version: 1, sequence: stored[3]!.sequence, eventId: stored[3]!.event.id, state: (await folded(owner)).state });
  });

  it('skips a malformed message on the subject, logs it, and appends after it', async () => {
    const owner = 'garbage@localhost';
    await history(owner, 1);
    const garbage = await jetstream(ctx.nc).publish(names.subjects.blocklist(owner), '{"half": ');
    const skipped = log.messages('malformed events skipped').length;
    const fresh = await store(ctx.nc);
    assert.deepEqual(await fresh.load(owner), { state: { count: 1, log: ['+e1'] }, sequence: garbage.seq });
    assert.equal(log.messages('malformed events skipped').length, skipped + 1);
    assert.equal((await fresh.execute(owner, increment(owner, 'e2'))).state.count, 2);
  });
});
