import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createEvent, MalformedEventError, namesFor, type GatehouseEvent } from '@gatehouse/events';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { appendEvent, durableIntake, ensureStreams, type DurableIntakeOptions } from './index.ts';
import { recordingLogger } from './test-logger.ts';

const deleted = (ns: string, jid: string) =>
  createEvent('gatehouse.account.deleted.v1', { subject: namesFor(ns).subjects.account(jid), source: 'test', data: { jid } });

const jidOf = (event: GatehouseEvent) => ('jid' in event.data ? event.data.jid : event.type);

describe('durableIntake', () => {
  let ctx: NatsTestContext;
  let stream: string;
  before(async () => {
    ctx = await setupNats();
    stream = namesFor(ctx.ns).streams.accounts;
    await ensureStreams(ctx.nc, ctx.ns);
  });
  after(() => ctx.cleanup());

  const append = async (...jids: string[]) => {
    let seq = 0;
    for (const jid of jids) seq = (await appendEvent(ctx.nc, deleted(ctx.ns, jid))).seq;
    return seq;
  };
  const intakeNamed = (name: string, options: Pick<DurableIntakeOptions, 'logger' | 'handle' | 'retryDelayMs' | 'deliverFrom'>) =>
    durableIntake({ nc: ctx.nc, stream, name, ...options });

  it('hands events over in order, retries a failing one before any later one, and acks the burst once', async () => {
    const last = await append('a@x.y', 'b@x.y', 'c@x.y');
    const seen: string[] = [];
    let failures = 2;
    const { logger, messages } = recordingLogger();
    const intake = intakeNamed('ordered', {
      logger,
      retryDelayMs: 50,
      handle: async (event) => {
        if (jidOf(event) === 'b@x.y' && failures-- > 0) throw new Error('store briefly gone');
        seen.push(jidOf(event));
      },
    });
    await intake.start();
    assert.equal(await intake.waitFor(last, 10_000), true);
    assert.deepEqual(seen, ['a@x.y', 'b@x.y', 'c@x.y']);
    assert.equal(messages('error').filter((message) => message.includes('trying again')).length, 2);
    // The burst's one cumulative ack follows within moments of the last event.
    const jsm = await jetstreamManager(ctx.nc);
    const deadline = Date.now() + 2_000;
    let info = await jsm.consumers.info(stream, 'ordered');
    while (info.ack_floor.stream_seq < last && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      info = await jsm.consumers.info(stream, 'ordered');
    }
    assert.equal(info.config.ack_policy, AckPolicy.All);
    assert.equal(info.ack_floor.stream_seq, last);
    assert.equal(info.num_ack_pending, 0);
    await intake.stop();
  });

  /**
   * One intake handles `before` and stops; `during` is appended while none runs; a second
   * intake of the same name handles it. What both were handed, in order.
   */
  async function acrossRestart(name: string, before: string, during: string, options: Pick<DurableIntakeOptions, 'deliverFrom'> = {}): Promise<string[]> {
    const seen: string[] = [];
    const { logger } = recordingLogger();
    const start = () => intakeNamed(name, { logger, ...options, handle: async (event) => void seen.push(jidOf(event)) });
    const first = start();
    await first.start();
    assert.equal(await first.waitFor(await append(before), 10_000), true);
    await first.stop();
    const next = await append(during);
    const second = start();
    await second.start();
    assert.equal(await second.waitFor(next, 10_000), true);
    await second.stop();
    return seen;
  }

  it('resumes after a restart without handing over what it acked', async () => {
    const seen = await acrossRestart('resuming', 'd@x.y', 'e@x.y');
    assert.deepEqual(seen.slice(-2), ['d@x.y', 'e@x.y']);
    assert.equal(seen.filter((jid) => jid === 'd@x.y').length, 1);
  });

  it("with deliverFrom 'new', a consumer made now leaves history alone and keeps what comes while it is stopped", async () => {
    await append('history@x.y');
    assert.deepEqual(await acrossRestart('from-new', 'f@x.y', 'g@x.y', { deliverFrom: 'new' }), ['f@x.y', 'g@x.y']);
  });

  it('skips malformed messages and events the handler finds malformed', async () => {
    const js = jetstream(ctx.nc);
    await js.publish(namesFor(ctx.ns).subjects.account('bad@x.y'), new TextEncoder().encode('{"not":"an event"'));
    const last = await append('f@x.y', 'g@x.y');
    const seen: string[] = [];
    const { logger, messages } = recordingLogger();
    const intake = intakeNamed('skipping', {
      logger,
      handle: async (event) => {
        if (jidOf(event) === 'f@x.y') throw new MalformedEventError('no valid fact');
        seen.push(jidOf(event));
      },
    });
    await intake.start();
    assert.equal(await intake.waitFor(last, 10_000), true);
    assert.deepEqual(seen.slice(-1), ['g@x.y']);
    assert.ok(!seen.includes('f@x.y'));
    assert.ok(messages('warn').some((message) => message.includes('malformed')));
    await intake.stop();
  });

  it('takes over a consumer of an older ack policy where its acks reached', async () => {
    const jsm = await jetstreamManager(ctx.nc);
    const acked = await append('h@x.y');
    await jsm.consumers.add(stream, { durable_name: 'explicit', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    // What an earlier version did: one ack per event, up to `acked`.
    const old = await jetstream(ctx.nc).consumers.get(stream, 'explicit');
    for (let seq = 0; seq < acked; ) {
      const message = await old.next({ expires: 2_000 });
      assert.ok(message);
      await message.ackAck();
      seq = message.seq;
    }
    const last = await append('i@x.y');
    const seen: string[] = [];
    const { logger } = recordingLogger();
    const intake = intakeNamed('explicit', { logger, handle: async (event) => void seen.push(jidOf(event)) });
    await intake.start();
    assert.equal(await intake.waitFor(last, 10_000), true);
    assert.deepEqual(seen, ['i@x.y']);
    assert.equal((await jsm.consumers.info(stream, 'explicit')).config.ack_policy, AckPolicy.All);
    await intake.stop();
  });
});
