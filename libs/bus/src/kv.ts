import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

export interface KvOptions {
  /** Entries older than this are removed by the server. Default: kept forever. */
  maxAgeMs?: number;
  /** Values kept per key. Default 1. */
  history?: number;
}

/**
 * Creates the bucket, or binds to it when it exists (its settings are then left as they
 * are). Two processes creating it at once both end up bound to the same bucket.
 */
export async function openKv(nc: NatsConnection, bucket: string, { maxAgeMs, history }: KvOptions = {}): Promise<KV> {
  const kvm = new Kvm(nc);
  const options = { ...(maxAgeMs === undefined ? {} : { ttl: maxAgeMs }), ...(history === undefined ? {} : { history }) };
  try {
    return await kvm.create(bucket, options);
  } catch (error) {
    // Lost a creation race: the winner's bucket is the one to use.
    return await kvm.open(bucket).catch(() => Promise.reject(error));
  }
}
