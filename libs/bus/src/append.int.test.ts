import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createEvent, namesFor } from '@gatehouse/events';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { appendEvent, ensureStreams, readAggregate, WrongExpectedSequenceError } from './index.ts';

const deleted = (subject: string, jid = 'juliet@capulet.lit') =>
  createEvent('gatehouse.account.deleted.v1', { subject, source: 'test', data: { jid } });

describe('ensureStreams', () => {
  let ctx: NatsTestContext;
  before(async () => (ctx = await setupNats()));
  after(() => ctx.cleanup());

  it('creates every stream with file storage and a 2-minute duplicate window, even when racing', async () => {
    await Promise.all([ensureStreams(ctx.nc, ctx.ns), ensureStreams(ctx.nc, ctx.ns)]);
    await ensureStreams(ctx.nc, ctx.ns);
    const jsm = await jetstreamManager(ctx.nc);
    const names = namesFor(ctx.ns);
    for (const [stream, subjects] of [
      [names.streams.accounts, [names.subjects.accounts]],
      [names.streams.sessions, [names.subjects.sessions]],
      [names.streams.tokens, [names.subjects.grants, names.subjects.fastTokens]],
    ] as const) {
      const { config } = await jsm.streams.info(stream);
      assert.deepEqual(config.subjects, subjects);
      assert.equal(config.storage, 'file');
      assert.equal(config.discard, 'old');
      assert.equal(config.duplicate_window, 120_000_000_000);
      assert.equal(config.allow_direct, true);
    }
  });

  it('brings a stream with an outdated configuration up to date', async () => {
    const jsm = await jetstreamManager(ctx.nc);
    const names = namesFor(ctx.ns);
    await jsm.streams.update(names.streams.sessions, { duplicate_window: 1_000_000_000, allow_direct: false });
    await ensureStreams(ctx.nc, ctx.ns);
    const { config } = await jsm.streams.info(names.streams.sessions);
    assert.equal(config.duplicate_window, 120_000_000_000);
    assert.equal(config.allow_direct, true);
  });
});

describe('appendEvent and readAggregate', () => {
  let ctx: NatsTestContext;
  let names: ReturnType<typeof namesFor>;
  before(async () => {
    ctx = await setupNats();
    names = namesFor(ctx.ns);
    await ensureStreams(ctx.nc, ctx.ns);
  });
  after(() => ctx.cleanup());

  it('stores an event once when the same id is appended twice', async () => {
    const subject = names.subjects.account('dedup@capulet.lit');
    const event = deleted(subject, 'dedup@capulet.lit');
    const first = await appendEvent(ctx.nc, event);
    const second = await appendEvent(ctx.nc, event);
    assert.deepEqual(second, { seq: first.seq, duplicate: true });
    assert.equal(first.duplicate, false);
    const { events, lastSequence } = await readAggregate(ctx.nc, names.streams.accounts, subject);
    assert.deepEqual(events, [event]);
    assert.equal(lastSequence, first.seq);
  });

  it('enforces the expected last subject sequence (0 = empty subject)', async () => {
    const subject = names.subjects.account('occ@capulet.lit');
    const first = await appendEvent(ctx.nc, deleted(subject), { expectedLastSubjectSequence: 0 });
    await assert.rejects(
      appendEvent(ctx.nc, deleted(subject), { expectedLastSubjectSequence: 0 }),
      (error: unknown) =>
        error instanceof WrongExpectedSequenceError && error.code === 'wrong-expected-sequence' && error.expected === 0,
    );
    // Another subject's appends do not move this subject's sequence.
    await appendEvent(ctx.nc, deleted(names.subjects.account('other@capulet.lit')));
    const second = await appendEvent(ctx.nc, deleted(subject), { expectedLastSubjectSequence: first.seq });
    await assert.rejects(
      appendEvent(ctx.nc, deleted(subject), { expectedLastSubjectSequence: first.seq }),
      WrongExpectedSequenceError,
    );
    const { events, lastSequence } = await readAggregate(ctx.nc, names.streams.accounts, subject);
    assert.equal(events.length, 2);
    assert.equal(lastSequence, second.seq);
  });

  it('reports a retried append (same id, same expectation) as a duplicate, not a conflict', async () => {
    const subject = names.subjects.account('retry@capulet.lit');
    const event = deleted(subject);
    const first = await appendEvent(ctx.nc, event, { expectedLastSubjectSequence: 0 });
    assert.deepEqual(await appendEvent(ctx.nc, event, { expectedLastSubjectSequence: 0 }), {
      seq: first.seq,
      duplicate: true,
    });
  });

  it('reads an aggregate in order, without other subjects, and an empty one as sequence 0', async () => {
    const subject = names.subjects.account('many@capulet.lit');
    const appended = [];
    for (let i = 0; i < 300; i += 1) {
      const event = deleted(subject);
      appended.push(event);
      await appendEvent(ctx.nc, event);
      if (i % 100 === 0) await appendEvent(ctx.nc, deleted(names.subjects.account('noise@capulet.lit')));
    }
    const { events } = await readAggregate(ctx.nc, names.streams.accounts, subject);
    assert.deepEqual(events.map((e) => e.id), appended.map((e) => e.id));
    assert.deepEqual(await readAggregate(ctx.nc, names.streams.accounts, names.subjects.account('nobody@capulet.lit')), {
      events: [],
      lastSequence: 0,
      skipped: [],
    });
  });

  it('reads an aggregate from a start sequence on, that one included', async () => {
    const subject = names.subjects.account('tybalt@capulet.lit');
    const stored = [];
    for (let i = 0; i < 4; i += 1) {
      const event = deleted(subject, 'tybalt@capulet.lit');
      stored.push({ event, seq: (await appendEvent(ctx.nc, event)).seq });
      await appendEvent(ctx.nc, deleted(names.subjects.account('noise@capulet.lit')));
    }
    const read = await readAggregate(ctx.nc, names.streams.accounts, subject, { startSequence: stored[2]!.seq });
    assert.deepEqual(read.events.map((e) => e.id), [stored[2]!.event.id, stored[3]!.event.id]);
    assert.equal(read.lastSequence, stored[3]!.seq);
    const past = await readAggregate(ctx.nc, names.streams.accounts, subject, { startSequence: stored[3]!.seq + 1 });
    assert.deepEqual(past, { events: [], lastSequence: 0, skipped: [] });
  });

    it('skips a malformed message but counts its sequence for the next append', async () => {
    const subject = names.subjects.account('mercutio@capulet.lit');
    const first = deleted(subject, 'mercutio@capulet.lit');
    await appendEvent(ctx.nc, first);
    const garbage = await jetstream(ctx.nc).publish(subject, '{"half": ');
    const read = await readAggregate(ctx.nc, names.streams.accounts, subject);
    assert.deepEqual(read.events.map((e) => e.id), [first.id]);
    assert.deepEqual(read.skipped, [garbage.seq]);
    assert.equal(read.lastSequence, garbage.seq);
    await appendEvent(ctx.nc, deleted(subject, 'mercutio@capulet.lit'), { expectedLastSubjectSequence: read.lastSequence });
  });

  it('leaves no consumer behind', async () => {
    const jsm = await jetstreamManager(ctx.nc);
    const consumers = [];
    for await (const consumer of jsm.consumers.list(names.streams.accounts)) consumers.push(consumer.name);
    assert.deepEqual(consumers, []);
  });
});
