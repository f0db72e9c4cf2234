import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KV, KvEntry } from '@nats-io/kv';
import { recordingLogger } from './test-logger.ts';
import { KvWatchSyncError, watchKv } from './kv-watch.ts';

/**
 * A bucket whose first `lost` watches never deliver anything (their consumer is gone), and
 * whose later ones deliver every put, as a real watch does.
 */
function flakyBucket(lost: number) {
  const puts: Array<{ key: string; value: string }> = [];
  const listeners = new Set<(entry: { key: string; value: string }) => void>();
  let watches = 0;
  const kv = {
    bucket: 'routes',
    async watch() {
      watches++;
      const live = watches > lost;
      const queue: Array<{ key: string; value: string }> = [];
      let wake: (() => void) | undefined;
      let stopped = false;
      const listener = (entry: { key: string; value: string }) => {
        queue.push(entry);
        wake?.();
      };
      if (live) listeners.add(listener);
      return {
        stop() {
          stopped = true;
          listeners.delete(listener);
          wake?.();
        },
        async *[Symbol.asyncIterator]() {
          while (!stopped) {
            const next = queue.shift();
            if (next) yield { key: next.key, operation: 'PUT', string: () => next.value } as unknown as KvEntry;
            else await new Promise<void>((resolve) => (wake = resolve));
          }
        },
      };
    },
    async put(key: string, value: string) {
      puts.push({ key, value });
      for (const listener of listeners) listener({ key, value });
      return puts.length;
    },
    async purge() {},
  };
  return { kv: kv as unknown as KV, watches: () => watches };
}

describe('watchKv', () => {
  it('replaces a watch that never catches up, and resolves with the next one', async () => {
    const { kv, watches } = flakyBucket(1);
    const { logger, messages } = recordingLogger();
    const watch = await watchKv(kv, { owner: 'gw0', logger, onEntry: () => {}, syncTimeoutMs: 50 });
    assert.equal(watches(), 2);
    assert.deepEqual(messages('warn'), ['KV watch did not catch up in time; watching again']);
    watch.stop();
  });

  it('fails the start with KvWatchSyncError after its attempts, rather than waiting forever', async () => {
    const { kv, watches } = flakyBucket(Number.POSITIVE_INFINITY);
    await assert.rejects(watchKv(kv, { owner: 'gw0', logger: recordingLogger().logger, onEntry: () => {}, syncTimeoutMs: 20, attempts: 3 }), KvWatchSyncError);
    assert.equal(watches(), 3);
  });
});
