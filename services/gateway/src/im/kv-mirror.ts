/** A KV bucket mirrored in memory through one watch per replica (`watchKv`). */
import type { KV } from '@nats-io/kv';
import { watchKv } from '@gatehouse/bus';
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

  /** Returns once the mirror holds everything stored before. */
  async start(): Promise<void> {
    this.watcher = await watchKv(this.kv, {
      owner: this.replica,
      logger: this.logger,
      onEntry: (entry) => {
        if (entry.operation === 'PUT') this.values.set(entry.key, this.decode(entry.value));
        else this.values.delete(entry.key);
      },
    });
  }

  stop(): void {
    this.watcher?.stop();
  }
}
