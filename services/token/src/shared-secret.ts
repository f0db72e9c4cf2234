import { randomBytes } from 'node:crypto';
import { openKv, type NatsConnection } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';

/** Keys of the secrets bucket this service owns (docs/architecture.md). */
export type SharedSecretName = 'scram-fake-salt' | 'fast-token-key';

/**
 * A random 32-byte key, made once per namespace. Every token replica must use the same
 * one (the fake credentials of an unknown user, or the FAST token of an id, would change
 * with the replica that answers): a KV `create` lets exactly one racing replica write
 * it, and all read the winner's.
 */
export async function loadSharedSecret(nc: NatsConnection, ns: string, key: SharedSecretName): Promise<Uint8Array> {
  const kv = await openKv(nc, namesFor(ns).buckets.secrets);
  let refused: unknown;
  // Refused when another replica, or an earlier start, made it first: theirs is the one.
  await kv.create(key, randomBytes(32)).catch((error: unknown) => {
    refused = error;
  });
  const entry = await kv.get(key);
  if (entry?.operation !== 'PUT' || entry.value.length === 0) {
    throw refused ?? new Error(`${namesFor(ns).buckets.secrets}/${key} is missing right after it was created`);
  }
  return entry.value;
}
