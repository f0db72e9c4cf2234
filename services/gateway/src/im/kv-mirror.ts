/**
 * A KV bucket mirrored in memory through ONE watch per replica (the session directory's
 * pattern: never a watch per user). `start()` returns once the mirror holds everything
 * stored before: KV watches give no "initial values done" signal, so a sync marker is
 * written after the watch starts and awaited (`sync.<replica>`; owner keys are base64url
 * tokens, which never contain a dot).
 */
import { randomBytes } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { Logger } from '@gatehouse/telemetry';

export class KvMirror<Value> {
  readonly values = new Map<string, Value>();
  private watcher: { stop(): void } | undefined;

  constructor(
    private readonly kv: KV,
    private readonly replica: string,
    /** Turns a stored entry into the mirrored value; throwing skips the entry. */
    private readonly decode: (bytes: Uint8Array) => Value,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const iterator = await this.kv.watch();
    this.watcher = iterator;
    const marker = `sync.${this.replica}`;
    const nonce = randomBytes(8).toString('hex');
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    void (async () => {
      for await (const entry of iterator) {
        if (entry.key.startsWith('sync.')) {
          if (entry.key === marker && entry.operation === 'PUT' && entry.string() === nonce) markReady();
          continue;
        }
        if (entry.operation !== 'PUT') {
          this.values.delete(entry.key);
          continue;
        }
        try {
          this.values.set(entry.key, this.decode(entry.value));
        } catch (error) {
          this.logger.warn({ err: error, key: entry.key }, 'skipping unreadable KV entry');
        }
      }
    })();
    await this.kv.put(marker, nonce);
    await ready;
    await this.kv.purge(marker);
  }

  stop(): void {
    this.watcher?.stop();
  }
}
