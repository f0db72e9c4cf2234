import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WrongExpectedSequenceError } from '@gatehouse/bus';
import { createEvent, namesFor, type GatehouseEvent } from '@gatehouse/events';
import { createMemoryEventStore, MemoryEventLog } from './index.ts';
import { counter, CounterEmptyError, type CounterCommand, type CounterDefinition } from './test-counter.ts';

const ns = 'unit';
const owner = 'alice@localhost';
const now = new Date('2025-03-01T00:00:00.000Z');
const increment = (id: string, who = owner): CounterCommand => ({ type: 'Increment', owner: who, id });
const decrement = (id: string): CounterCommand => ({ type: 'Decrement', owner, id });

/** Two replicas of a service: two stores over one stream. */
function replicas(definition: CounterDefinition = counter(ns), options: { maxAttempts?: number; cacheBytes?: number } = {}) {
  const log = new MemoryEventLog();
  const store = () => createMemoryEventStore(definition, { log, source: 'test', clock: () => now, retryJitterMs: 0, ...options });
  return { log, a: store(), b: store() };
}

describe('memory event store: decide and append', () => {
  it('appends what decide decides, with its sequence, and keeps the state for the next command', async () => {
    const { log, a } = replicas();
    const outcome = await a.execute(owner, increment('x1'));
    assert.deepEqual(outcome.before, { count: 0, log: [] });
    assert.deepEqual(outcome.state, { count: 1, log: ['+x1'] });
    assert.equal(outcome.sequence, 1);
    assert.deepEqual(outcome.events.map(({ event, sequence }) => [event.type, event.subject, event.source, event.time, sequence]), [
      ['gatehouse.blocklist.blocked.v1', namesFor(ns).subjects.blocklist(owner), 'test', now.toISOString(), 1],
    ]);
    assert.deepEqual(log.stored.map(({ event }) => event), outcome.events.map(({ event }) => event));
    // An aggregate never seen: one look-up of its last sequence, nothing read.
    assert.deepEqual([log.loads, log.reads], [1, 0]);
    assert.deepEqual(await a.read(owner), { state: { count: 1, log: ['+x1'] }, sequence: 1 });
    assert.deepEqual((await a.execute(owner, increment('x2'))).state, { count: 2, log: ['+x1', '+x2'] });
    assert.equal(log.loads, 1, 'read-your-writes: the appends updated the cache');
  });

  it('numbers events across aggregates, as a stream does', async () => {
    const { a } = replicas();
    await a.execute(owner, increment('x1'));
    assert.equal((await a.execute('bob@localhost', increment('y1', 'bob@localhost'))).sequence, 2);
    assert.equal((await a.execute(owner, increment('x2'))).sequence, 3);
  });

  it('runs the commands of one aggregate one at a time, so they do not conflict with each other', async () => {
    const { log, a } = replicas(counter(ns), { maxAttempts: 1 });
    const ids = Array.from({ length: 10 }, (_, i) => `x${i}`);
    await Promise.all(ids.map((id) => a.execute(owner, increment(id))));
    assert.deepEqual((await a.load(owner)).state.log, ids.map((id) => `+${id}`));
  });
});

describe('memory event store: conflicts', () => {
  it('reloads after a conflict (only what it lacks) and decides again', async () => {
    const { log, a, b } = replicas();
    await a.execute(owner, increment('a1'));
    await b.execute(owner, increment('b1'));
    const [loads, reads] = [log.loads, log.reads];
    const outcome = await a.execute(owner, increment('a2'));
    assert.deepEqual(outcome.state, { count: 3, log: ['+a1', '+b1', '+a2'] });
    assert.deepEqual(outcome.before, { count: 2, log: ['+a1', '+b1'] });
    assert.deepEqual(outcome.events.map(({ sequence }) => sequence), [3]);
    assert.deepEqual([log.loads - loads, log.reads - reads], [1, 1]);
    assert.equal(log.stored.length, 3);
  });

  it('throws the conflict once every attempt has lost (default 5 attempts)', async () => {
    let rivals = 0;
    /** Another replica appends just before each of this one's appends. */
    class ContendedLog extends MemoryEventLog {
      override async append(event: GatehouseEvent, expected: number) {
        rivals += 1;
        const last = this.stored.filter((stored) => stored.event.subject === event.subject).at(-1)?.sequence ?? 0;
        await super.append(createEvent('gatehouse.blocklist.blocked.v1', { subject: event.subject, source: 'rival', data: { owner, jids: [`r${rivals}@counter.test`] } }), last);
        return super.append(event, expected);
      }
    }
    const log = new ContendedLog();
    const store = createMemoryEventStore(counter(ns), { log, source: 'test', clock: () => now, retryJitterMs: 0 });
    await assert.rejects(store.execute(owner, increment('x1')), WrongExpectedSequenceError);
    assert.equal(rivals, 5);
    assert.deepEqual(log.stored.map(({ event }) => event.source), Array(5).fill('rival'));
    const limited = createMemoryEventStore(counter(ns), { log, source: 'test', clock: () => now, retryJitterMs: 0, maxAttempts: 2 });
    await assert.rejects(limited.execute(owner, increment('x2')), WrongExpectedSequenceError);
    assert.equal(rivals, 7);
  });

  it('stores a redelivered command with a deterministic event id once', async () => {
    const { log, a, b } = replicas();
    await a.read(owner);
    const eventId = () => '0b6a3c9e-8f8e-4d43-9d1e-2f7b7b1f0a11';
    await b.execute(owner, increment('x1'), { eventId });
    // a decides on its cached empty counter; the append is a duplicate; reloaded, nothing is left to do.
    const outcome = await a.execute(owner, increment('x1'), { eventId });
    assert.deepEqual(outcome.events, []);
    assert.deepEqual(outcome.state, { count: 1, log: ['+x1'] });
    assert.equal(log.stored.length, 1);
  });

  it('stores nothing for a command redelivered after the aggregate moved past its event, and succeeds', async () => {
    const { log, a } = replicas();
    const eventId = () => '5d0c2a7e-3b1f-4c55-8a61-0e9f3d2c4b77';
    await a.execute(owner, increment('x1'));
    await a.execute(owner, { type: 'DecrementIfAny', owner, id: 'y1' }, { eventId });
    await a.execute(owner, increment('x2'));
    // Read again from the start, the source of y1 decides -y1 again on a counter at 1: its id is stored.
    const outcome = await a.execute(owner, { type: 'DecrementIfAny', owner, id: 'y1' }, { eventId });
    assert.deepEqual(outcome.events, []);
    assert.deepEqual(outcome.state, { count: 1, log: ['+x1', '-y1', '+x2'] });
    assert.equal(log.stored.length, 3);
  });
});

describe('memory event store: confirming answers decided on the cache', () => {
  it('decides a no-op again on a fresh load when confirmNoop asks for it', async () => {
    const { log, a, b } = replicas(counter(ns, { confirmNoop: (command) => command.type === 'DecrementIfAny' }));
    await a.read(owner);
    await b.execute(owner, increment('b1'));
    const loads = log.loads;
    const outcome = await a.execute(owner, { type: 'DecrementIfAny', owner, id: 'a1' });
    assert.deepEqual(outcome.state, { count: 0, log: ['+b1', '-a1'] });
    assert.equal(log.loads - loads, 1);
  });

  it('believes a no-op at once when confirmNoop does not ask', async () => {
    const { log, a, b } = replicas();
    await a.read(owner);
    await b.execute(owner, increment('b1'));
    const loads = log.loads;
    const outcome = await a.execute(owner, { type: 'DecrementIfAny', owner, id: 'a1' });
    assert.deepEqual([outcome.events, outcome.state], [[], { count: 0, log: [] }]);
    assert.equal(log.loads, loads);
  });

  it('decides a refusal again on a fresh load (every refusal by default)', async () => {
    const { log, a, b } = replicas();
    await a.read(owner);
    await b.execute(owner, increment('b1'));
    const loads = log.loads;
    assert.deepEqual((await a.execute(owner, decrement('a1'))).state, { count: 0, log: ['+b1', '-a1'] });
    assert.equal(log.loads - loads, 1);
  });

  it('throws a refusal that stands after one fresh load, and one decided on a fresh load at once', async () => {
    const { log, a, b } = replicas();
    await a.read(owner);
    await assert.rejects(a.execute(owner, decrement('a1')), CounterEmptyError);
    assert.equal(log.loads, 2);
    await assert.rejects(b.execute(owner, decrement('b1')), CounterEmptyError);
    assert.equal(log.loads, 3, 'b had nothing cached: its load was fresh');
  });

  it('believes a refusal at once when confirmRefusal says no newer state could change it', async () => {
    const { log, a, b } = replicas(counter(ns, { confirmRefusal: (error) => error.code !== 'counter-empty' }));
    await a.read(owner);
    await b.execute(owner, increment('b1'));
    const loads = log.loads;
    await assert.rejects(a.execute(owner, decrement('a1')), CounterEmptyError);
    assert.equal(log.loads, loads);
  });
});

describe('memory event store: observing the stream', () => {
  it("drops a cached entry older than an observed event, so the next read loads another replica's append", async () => {
    const { log, a, b } = replicas();
    await a.execute(owner, increment('a1'));
    const { sequence } = await b.execute(owner, increment('b1'));
    assert.deepEqual((await a.read(owner)).state.log, ['+a1'], 'the cache alone does not know of b1');
    await a.observe(namesFor(ns).subjects.blocklist(owner), sequence);
    const loads = log.loads;
    assert.deepEqual(await a.read(owner), { state: { count: 2, log: ['+a1', '+b1'] }, sequence });
    assert.equal(log.loads - loads, 1);
  });

  it('keeps an entry that has the observed event already (its own append, delivered after)', async () => {
    const { log, a } = replicas();
    const { sequence } = await a.execute(owner, increment('a1'));
    await a.observe(namesFor(ns).subjects.blocklist(owner), sequence);
    await a.observe(namesFor(ns).subjects.blocklist('nobody@localhost'), 7);
    const loads = log.loads;
    await a.read(owner);
    assert.equal(log.loads, loads, 'still cached');
  });
});

describe('memory event store: cache bounded by bytes', () => {
  it('evicts the least recently used aggregate, which the next command loads again', async () => {
    // Each counter below is `{"count":1,"log":["+x1"]}` as JSON: 25 bytes; 60 hold two.
    const { log, a } = replicas(counter(ns), { cacheBytes: 60 });
    const [alice, bob, carol] = ['alice@localhost', 'bob@localhost', 'carol@localhost'];
    await a.execute(alice, increment('x1', alice));
    await a.execute(bob, increment('x1', bob));
    await a.read(alice); // alice used after bob: bob is now the least recently used
    assert.equal(log.loads, 2);
    await a.execute(carol, increment('x1', carol));
    assert.equal(log.loads, 3);
    await a.read(alice);
    await a.read(carol);
    assert.equal(log.loads, 3, 'alice and carol are cached');
    assert.deepEqual((await a.execute(bob, increment('x2', bob))).state, { count: 2, log: ['+x1', '+x2'] });
    assert.equal(log.loads, 4, 'bob was evicted and loaded again');
  });

  it('keeps nothing with a bound of 0: every command loads', async () => {
    const { log, a } = replicas(counter(ns), { cacheBytes: 0 });
    await a.execute(owner, increment('x1'));
    await a.execute(owner, increment('x2'));
    assert.equal(log.loads, 2);
    assert.deepEqual((await a.read(owner)).state.log, ['+x1', '+x2']);
  });
});

describe('memory event store: following the stream (observe)', () => {
  const subject = namesFor(ns).subjects.blocklist(owner);

  it("drops an entry another replica's append made stale, so the next read loads the aggregate again", async () => {
    const { log, a, b } = replicas();
    await a.execute(owner, increment('a1'));
    const { sequence } = await b.execute(owner, increment('b1'));
    assert.deepEqual((await a.read(owner)).state.log, ['+a1'], 'without observe the cache answers');
    await a.observe(subject, sequence);
    const loads = log.loads;
    assert.deepEqual(await a.read(owner), { state: { count: 2, log: ['+a1', '+b1'] }, sequence });
    assert.equal(log.loads - loads, 1);
  });

  it('keeps an entry at or past the observed sequence (its own append), and ignores subjects it does not cache', async () => {
    const { log, a } = replicas();
    const { sequence } = await a.execute(owner, increment('a1'));
    await a.observe(subject, sequence);
    await a.observe(namesFor(ns).subjects.blocklist('nobody@localhost'), 7);
    const loads = log.loads;
    assert.deepEqual((await a.read(owner)).state.log, ['+a1']);
    assert.equal(log.loads, loads);
  });

  it('waits for a load under way, so a state read just before the event is not kept', async () => {
    let rival: (() => Promise<unknown>) | undefined;
    /** The rival appends right after a look-up of the subject's last sequence. */
    class RacingLog extends MemoryEventLog {
      override async last(key: string) {
        const position = await super.last(key);
        const append = rival;
        rival = undefined;
        await append?.();
        return position;
      }
    }
    const log = new RacingLog();
    const a = createMemoryEventStore(counter(ns), { log, source: 'test', clock: () => now });
    const b = createMemoryEventStore(counter(ns), { log, source: 'test', clock: () => now });
    let observed: Promise<void> | undefined;
    rival = async () => {
      const { sequence } = await b.execute(owner, increment('b1'));
      observed = a.observe(subject, sequence);
    };
    assert.deepEqual((await a.read(owner)).state.log, [], 'read before the rival append');
    await observed;
    assert.deepEqual((await a.read(owner)).state.log, ['+b1']);
  });
});

describe('memory event store: onLoad', () => {
  it('is told of each load from the stream, never of an answer from the cache', async () => {
    const loaded: [string, number][] = [];
    const log = new MemoryEventLog();
    const a = createMemoryEventStore(counter(ns), { log, source: 'test', clock: () => now, onLoad: async (key, { sequence }) => void loaded.push([key, sequence]) });
    await a.execute(owner, increment('a1'));
    await a.read(owner);
    await a.load(owner);
    assert.deepEqual(loaded, [
      [owner, 0],
      [owner, 1],
    ]);
  });
});
