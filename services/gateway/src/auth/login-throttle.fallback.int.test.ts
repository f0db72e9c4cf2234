/**
 * The login throttle when its KV bucket cannot be reached (failure-counters.ts
 * withLocalFallback), against a real NATS: the bucket's stream deleted (its requests then
 * wait out the client's 5 s timeout) and a private nats-server stopped. Either way every throttle call
 * answers within the documented 500 ms (plus scheduling slack on a busy machine), failures
 * are counted on this replica, and the change is logged once each way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { openKv } from '@gatehouse/bus';
import { namesFor, subjectToken } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { cleanupNamespace, natsUrl, startNatsServerOrSkip, testNamespace, type PrivateNatsServer } from '@gatehouse/testing';
import { kvFailureCounters, memoryFailureCounters, withLocalFallback } from './failure-counters.ts';
import { LOGIN_THROTTLE_WINDOW_MS, LoginThrottle } from './login-throttle.ts';

const FALLBACK_MS = 500;
/** Timers and promise turns on a machine shared with other test runs. */
const SLACK_MS = 400;
const UNAVAILABLE = 'login throttle: KV unavailable, counting failures on this replica alone';
const SHARED_AGAIN = 'login throttle: failure counts shared again through KV';

/** Records what the throttle logs; the throttle needs nothing of a Logger but these. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (...args: unknown[]) => lines.push(String(args.find((arg) => typeof arg === 'string')));
  return { lines, warn: record, info: record, error: record, debug: record } as unknown as Logger & { lines: string[] };
}

async function throttleOn(nc: NatsConnection, ns: string) {
  const logger = recordingLogger();
  const kv = await openKv(nc, namesFor(ns).buckets.loginFailures, { maxAgeMs: LOGIN_THROTTLE_WINDOW_MS });
  const counters = withLocalFallback(kvFailureCounters(kv), memoryFailureCounters({ windowMs: LOGIN_THROTTLE_WINDOW_MS }), logger, FALLBACK_MS);
  return { logger, kv, throttle: new LoginThrottle(counters, logger) };
}

async function timed<T>(operation: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await operation();
  const elapsed = performance.now() - started;
  assert.ok(elapsed < FALLBACK_MS + SLACK_MS, `answered in ${Math.round(elapsed)} ms`);
  return result;
}

/** A failed login and the next attempt's hold, as a session makes them. */
async function failThenHold(throttle: LoginThrottle, address: string, account: string): Promise<number> {
  await timed(() => throttle.failed(address, account));
  return (await timed(() => throttle.holdFor(address, account))).delayMs;
}

describe('login throttle without its KV bucket', () => {
  it('counts on this replica within the fallback time when the bucket is gone, and says so once', async () => {
    const nc = await connect({ servers: natsUrl() });
    const ns = testNamespace();
    try {
      const { throttle, logger } = await throttleOn(nc, ns);
      assert.equal(await failThenHold(throttle, '10.2.0.1', 'alice@localhost'), 250, 'counted in KV while it is there');
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(`KV_${namesFor(ns).buckets.loginFailures}`);

      assert.equal(await failThenHold(throttle, '10.2.0.2', 'bob@localhost'), 250, 'counted in memory');
      assert.equal(await failThenHold(throttle, '10.2.0.2', 'bob@localhost'), 500, 'and the count grows');
      await timed(() => throttle.succeeded('bob@localhost'));
      assert.equal((await timed(() => throttle.holdFor('10.2.0.3', 'bob@localhost'))).delayMs, 0, 'a success clears it');
      assert.deepEqual(logger.lines.filter((line) => line === UNAVAILABLE), [UNAVAILABLE]);
    } finally {
      await cleanupNamespace(nc, ns).catch(() => {});
      await nc.close();
    }
  });

  describe('with NATS stopped', () => {
    let nats: PrivateNatsServer | undefined;
    let skip: string | undefined;
    let nc: NatsConnection | undefined;
    before(async () => {
      ({ nats, skip } = await startNatsServerOrSkip());
    });
    after(async () => {
      await nc?.close().catch(() => {});
      await nats?.destroy();
    });

    it('answers within the fallback time, counts on this replica, and shares counts again once NATS is back', { timeout: 60_000 }, async (t) => {
      if (skip) return t.skip(skip);
      nc = await connect({ servers: nats!.url, maxReconnectAttempts: -1, reconnectTimeWait: 200, reconnectJitter: 0 });
      const { throttle, logger, kv } = await throttleOn(nc, testNamespace());
      await nats!.stop();

      assert.equal(await failThenHold(throttle, '10.3.0.1', 'carol@localhost'), 250);
      assert.equal(await failThenHold(throttle, '10.3.0.1', 'carol@localhost'), 500);
      assert.deepEqual(logger.lines.filter((line) => line === UNAVAILABLE), [UNAVAILABLE], 'logged once, not per login');

      await nats!.restart();
      const deadline = Date.now() + 20_000;
      while (!logger.lines.includes(SHARED_AGAIN)) {
        assert.ok(Date.now() < deadline, `still degraded after NATS came back; logged: ${logger.lines.join(' | ')}`);
        await throttle.holdFor('10.3.0.9', 'erin@localhost');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await timed(() => throttle.failed('10.3.0.2', 'dave@localhost'));
      assert.equal((await kv.get(`account.${subjectToken('dave@localhost')}`))?.string(), '1', 'counted in KV again');
    });
  });
});
