import { randomBytes } from 'node:crypto';
import type { KV, KvEntry } from '@nats-io/kv';
import type { Logger } from 'pino';

export interface KvWatchOptions {
  /** Names this process's sync marker (`sync.<owner>`), so markers never pile up. */
  owner: string;
  logger: Logger;
  /** Called for every stored entry, then for every change; throwing skips the entry. */
  onEntry(entry: KvEntry): void;
}

/**
 * Mirrors a KV bucket through ONE watch (never one per key or user) and resolves once
 * everything stored before has been delivered. KV watches give no "initial values done"
 * signal, so a marker is written after the watch starts and awaited; keys starting with
 * `sync.` are the markers and never reach `onEntry` (subject-token keys have no dots).
 */
export async function watchKv(kv: KV, { owner, logger, onEntry }: KvWatchOptions): Promise<{ stop(): void }> {
  const iterator = await kv.watch();
  const marker = `sync.${owner}`;
  const nonce = randomBytes(8).toString('hex');
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  void (async () => {
    for await (const entry of iterator) {
      if (entry.key.startsWith('sync.')) {
        if (entry.key === marker && entry.operation === 'PUT' && entry.string() === nonce) markReady();
        continue;
      }
      try {
        onEntry(entry);
      } catch (error) {
        logger.warn({ err: error, key: entry.key }, 'skipping unreadable KV entry');
      }
    }
  })();
  await kv.put(marker, nonce);
  await ready;
  await kv.purge(marker);
  return iterator;
}
