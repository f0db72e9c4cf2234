import { randomBytes } from 'node:crypto';
import { openKv, type NatsConnection } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';

const key = 'scram-fake-salt';

/**
 * The key behind fake credentials, made once per namespace. Every token replica must use
 * the same one, or an unknown user's salt would change with the replica that answers:
 * a KV `create` lets exactly one racing replica write it, and all read the winner's.
 */
export async function loadFakeSecret(nc: NatsConnection, ns: string): Promise<Uint8Array> {
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
