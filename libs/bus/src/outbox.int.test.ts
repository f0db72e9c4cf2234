import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it, type TestContext } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { createEvent, namesFor, type GatehouseEvent } from '@gatehouse/events';
import {
  NatsServerNotFoundError,
  setupNats,
  startNatsServer,
  testNamespace,
  type NatsTestContext,
  type PrivateNatsServer,
} from '@gatehouse/testing';
import { connectBus, ensureStreams, EventOutbox, readAggregate } from './index.ts';
import { recordingLogger } from './test-logger.ts';

const sessionIds = ['AAAAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBBBB', 'CCCCCCCCCCCCCCCCCCCCCC'];

function closed(ns: string, sessionId: string, reason: string): GatehouseEvent {
  return createEvent('gatehouse.session.stream-closed.v1', {
    subject: namesFor(ns).subjects.session(sessionId),
    source: 'test',
    data: { sessionId, reason },
  });
}

async function privateServer(t: TestContext): Promise<PrivateNatsServer | undefined> {
  try {
    return await startNatsServer();
  } catch (error) {
    if (!(error instanceof NatsServerNotFoundError)) throw error;
    t.skip(`${error.message}; skipping the NATS outage test`);
    return undefined;
  }
}

async function storedReasons(ctx: { nc: NatsTestContext['nc']; ns: string }, sessionId: string): Promise<string[]> {
  const names = namesFor(ctx.ns);
  const { events } = await readAggregate(ctx.nc, names.streams.sessions, names.subjects.session(sessionId));
  return events.map((event) => (event.type === 'gatehouse.session.stream-closed.v1' ? event.data.reason : event.type));
}

describe('EventOutbox', () => {
  let ctx: NatsTestContext;
  before(async () => {
    ctx = await setupNats();
    await ensureStreams(ctx.nc, ctx.ns);
  });
  after(() => ctx.cleanup());

  it('stores each subject’s events in publish order', async () => {
    const { logger } = recordingLogger();
    const outbox = new EventOutbox(ctx.nc, logger);
    const expected = new Map(sessionIds.map((id) => [id, [] as string[]]));
    for (let i = 0; i < 40; i += 1) {
      for (const id of sessionIds) {
        void outbox.publish(closed(ctx.ns, id, `r${i}`));
        expected.get(id)?.push(`r${i}`);
      }
    }
    assert.equal(outbox.pending, 120);
    await outbox.drain();
    assert.equal(outbox.pending, 0);
    for (const id of sessionIds) assert.deepEqual(await storedReasons(ctx, id), expected.get(id));
  });

  it('resolves publish() once the event is stored', async () => {
    const { logger } = recordingLogger();
    const outbox = new EventOutbox(ctx.nc, logger);
    const id = 'DDDDDDDDDDDDDDDDDDDDDD';
    await outbox.publish(closed(ctx.ns, id, 'stored'));
    assert.deepEqual(await storedReasons(ctx, id), ['stored']);
  });

  it('survives NATS being unreachable: every event stored exactly once, in order', { timeout: 90_000 }, async (t) => {
    const server = await privateServer(t);
    if (!server) return;
    const ns = testNamespace();
    const { logger, messages } = recordingLogger();
    const nc = await connectBus({ url: server.url, name: 'outbox-test', logger });
    try {
      await ensureStreams(nc, ns);
      const outbox = new EventOutbox(nc, logger);
      const expected = new Map(sessionIds.map((id) => [id, [] as string[]]));
      const publish = (id: string, reason: string) => {
        void outbox.publish(closed(ns, id, reason));
        expected.get(id)?.push(reason);
      };
      publish(sessionIds[0]!, 'before');
      await outbox.drain();

      await server.stop();
      for (let i = 0; i < 10; i += 1) for (const id of sessionIds) publish(id, `during-${i}`);
      // Long enough for several failed attempts per subject (timeouts and backoff).
      await sleep(7_000);
      assert.ok(outbox.pending > 0, 'events wait while NATS is down');
      await server.restart();
      await outbox.drain();
      for (const id of sessionIds) publish(id, 'after');
      await outbox.drain();

      for (const id of sessionIds) assert.deepEqual(await storedReasons({ nc, ns }, id), expected.get(id));
      const { state } = await (await jetstreamManager(nc)).streams.info(namesFor(ns).streams.sessions);
      assert.equal(state.messages, 1 + 3 * 10 + 3, 'no event stored twice');
      const warnings = messages('warn').filter((m) => m === 'cannot publish events; retrying until NATS is back');
      assert.equal(warnings.length, 1, 'one warning per outage');
      assert.ok(messages('warn').includes('NATS connection lost, reconnecting'));
      assert.ok(messages('info').includes('NATS reconnected'));
    } finally {
      await nc.close();
      await server.destroy();
    }
  });

  it('stop() gives up on unstored events, resolving their publish()', { timeout: 30_000 }, async (t) => {
    const server = await privateServer(t);
    if (!server) return;
    const { logger, messages } = recordingLogger();
    const nc = await connectBus({ url: server.url, name: 'outbox-stop-test', logger });
    try {
      await server.stop();
      const outbox = new EventOutbox(nc, logger);
      const published = outbox.publish(closed(testNamespace(), sessionIds[0]!, 'lost'));
      await sleep(300);
      outbox.stop();
      await published;
      await outbox.drain();
      assert.equal(outbox.pending, 0);
      assert.ok(messages('error').includes('outbox stopped with unpublished events'));
    } finally {
      await nc.close();
      await server.destroy();
    }
  });
});
