import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createEvent, namesFor, type GatehouseEvent } from '@gatehouse/events';
import {
  NatsServerNotFoundError,
  cleanupNamespace,
  setupNats,
  startNatsServer,
  testNamespace,
  type NatsTestContext,
} from '@gatehouse/testing';
import { appendEvent, connectBus, ensureStreams, followStream, type NatsConnection } from './index.ts';
import { recordingLogger } from './test-logger.ts';

const deleted = (ns: string, jid: string) =>
  createEvent('gatehouse.account.deleted.v1', { subject: namesFor(ns).subjects.account(jid), source: 'test', data: { jid } });

const jidOf = (event: GatehouseEvent) => ('jid' in event.data ? event.data.jid : event.type);

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

async function consumerCount(nc: NatsConnection, stream: string): Promise<number> {
  let count = 0;
  for await (const _ of (await jetstreamManager(nc)).consumers.list(stream)) count += 1;
  return count;
}

describe('followStream', () => {
  let ctx: NatsTestContext;
  let names: ReturnType<typeof namesFor>;
  before(async () => {
    ctx = await setupNats();
    names = namesFor(ctx.ns);
    await ensureStreams(ctx.nc, ctx.ns);
  });
  after(() => ctx.cleanup());

  it("delivers what was stored, resolves caughtUp, then delivers new events (deliver 'all')", async () => {
    for (const jid of ['a@x.y', 'b@x.y', 'c@x.y']) await appendEvent(ctx.nc, deleted(ctx.ns, jid));
    const { logger } = recordingLogger();
    const seen: [string, number][] = [];
    let atCaughtUp = -1;
    const follower = followStream(ctx.nc, { stream: names.streams.accounts, deliver: 'all', logger }, async (event, seq) => {
      await sleep(5);
      seen.push([jidOf(event), seq]);
    });
    await follower.caughtUp.then(() => (atCaughtUp = seen.length));
    assert.equal(atCaughtUp, 3, 'caughtUp waits for the handler of the last stored event');
    await appendEvent(ctx.nc, deleted(ctx.ns, 'd@x.y'));
    await until(() => seen.length === 4);
    assert.deepEqual(seen, [['a@x.y', 1], ['b@x.y', 2], ['c@x.y', 3], ['d@x.y', 4]]);
    await follower.stop();
    assert.equal(await consumerCount(ctx.nc, names.streams.accounts), 0, 'stop() removes the consumer');
  });

  it("deliver 'new' is caught up at once and skips stored events", async () => {
    const { logger } = recordingLogger();
    const seen: string[] = [];
    const follower = followStream(ctx.nc, { stream: names.streams.accounts, deliver: 'new', logger }, (event) => {
      seen.push(jidOf(event));
    });
    await follower.caughtUp;
    await appendEvent(ctx.nc, deleted(ctx.ns, 'e@x.y'));
    await until(() => seen.length === 1);
    assert.deepEqual(seen, ['e@x.y']);
    await follower.stop();
  });

  it("deliver 'last-per-subject' with a filter gives the last event of each matching subject", async () => {
    const { logger } = recordingLogger();
    const subject = names.subjects.session('AAAAAAAAAAAAAAAAAAAAAA');
    for (const reason of ['one', 'two']) {
      await appendEvent(
        ctx.nc,
        createEvent('gatehouse.session.stream-closed.v1', {
          subject,
          source: 'test',
          data: { sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', reason },
        }),
      );
    }
    const seen: string[] = [];
    const follower = followStream(
      ctx.nc,
      { stream: names.streams.accounts, filterSubject: names.subjects.account('a@x.y'), deliver: 'last-per-subject', logger },
      (event) => void seen.push(jidOf(event)),
    );
    await follower.caughtUp;
    assert.deepEqual(seen, ['a@x.y']);
    await follower.stop();

    const reasons: string[] = [];
    const sessions = followStream(ctx.nc, { stream: names.streams.sessions, deliver: 'last-per-subject', logger }, (event) => {
      if (event.type === 'gatehouse.session.stream-closed.v1') reasons.push(event.data.reason);
    });
    await sessions.caughtUp;
    assert.deepEqual(reasons, ['two']);
    await sessions.stop();
  });

  it('resolves caughtUp at once on an empty stream', async () => {
    const other = testNamespace();
    await ensureStreams(ctx.nc, other);
    try {
      const { logger } = recordingLogger();
      const follower = followStream(ctx.nc, { stream: namesFor(other).streams.accounts, deliver: 'all', logger }, () => {});
      await follower.caughtUp;
      await follower.stop();
    } finally {
      await cleanupNamespace(ctx.nc, other);
    }
  });

  it('logs and skips a malformed message and an event whose handler throws', async () => {
    const { logger, entries } = recordingLogger();
    const subject = names.subjects.account('bad@x.y');
    const garbage = await jetstream(ctx.nc).publish(subject, '{"not":"an event"');
    const failing = await appendEvent(ctx.nc, deleted(ctx.ns, 'boom@x.y'));
    await appendEvent(ctx.nc, deleted(ctx.ns, 'fine@x.y'));
    const seen: string[] = [];
    const follower = followStream(
      ctx.nc,
      { stream: names.streams.accounts, filterSubject: `${ctx.ns}.account.>`, deliver: 'all', logger },
      (event) => {
        if (jidOf(event) === 'boom@x.y') throw new Error('handler bug');
        seen.push(jidOf(event));
      },
    );
    await follower.caughtUp;
    await follower.stop();
    assert.ok(seen.includes('fine@x.y'));
    assert.ok(entries.some((e) => e.msg === 'skipping malformed event' && e.seq === garbage.seq && e.level === 40));
    assert.ok(entries.some((e) => e.msg === 'event handler failed; event skipped' && e.seq === failing.seq && e.level === 50));
  });

  it('resumes after its last sequence when the NATS server restarts', { timeout: 90_000 }, async (t) => {
    let server;
    try {
      server = await startNatsServer();
    } catch (error) {
      if (error instanceof NatsServerNotFoundError) return t.skip(error.message);
      throw error;
    }
    const ns = testNamespace();
    const { logger, messages } = recordingLogger();
    const nc = await connectBus({ url: server.url, name: 'follow-restart-test', logger });
    try {
      await ensureStreams(nc, ns);
      await appendEvent(nc, deleted(ns, 'before@x.y'));
      const seen: [string, number][] = [];
      const follower = followStream(nc, { stream: namesFor(ns).streams.accounts, deliver: 'all', logger }, (event, seq) => {
        seen.push([jidOf(event), seq]);
      });
      await follower.caughtUp;
      await server.restart();
      // A request sent while disconnected gets no reply, so append once the client is back.
      await until(() => messages('info').includes('NATS reconnected'));
      await appendEvent(nc, deleted(ns, 'after@x.y'));
      await until(() => seen.length >= 2, 60_000);
      await sleep(500);
      assert.deepEqual(seen, [['before@x.y', 1], ['after@x.y', 2]]);
      await follower.stop();
    } finally {
      await nc.close();
      await server.destroy();
    }
  });
});
