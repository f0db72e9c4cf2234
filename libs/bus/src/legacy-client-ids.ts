import { createHash, randomBytes } from 'node:crypto';
import type { KV } from '@nats-io/kv';

/**
 * Ids of clients that sent no `<user-agent id>` (legacy SASL, or SASL2 without one), known
 * by their full JID: the same resource is the same client (docs/client-management.md).
 * They live in the `<ns>_legacy_clients` KV bucket, which client-registry filled before
 * the gateway named them itself, so key and value stay exactly as it wrote them.
 */
export interface LegacyClientIds {
  /** The id of the legacy client at `fullJid`, made up (and kept) if there is none. */
  idFor(fullJid: string): Promise<string>;
  /** The id of the legacy client at `fullJid`, if one was ever made. */
  find(fullJid: string): Promise<string | undefined>;
}

/** Prosody's `id.short()`: 9 random bytes, 12 base64url characters. */
export function newLegacyClientId(): string {
  return randomBytes(9).toString('base64url');
}

/** The KV key of a full JID: its SHA-256, base64url. A JID may be 3 KB; a key must stay short. */
export function legacyClientKey(fullJid: string): string {
  return createHash('sha256').update(fullJid, 'utf8').digest('base64url');
}

/**
 * One `get` for a client seen before; on first sight a KV `create`, which lets exactly one
 * of several racing writers (replicas, or a retried attempt) name the client.
 */
export function legacyClientIds(kv: KV, makeId: () => string = newLegacyClientId): LegacyClientIds {
  const find = async (fullJid: string) => {
    const entry = await kv.get(legacyClientKey(fullJid));
    return entry && entry.operation === 'PUT' ? entry.string() : undefined;
  };
  return {
    find,
    async idFor(fullJid) {
      const existing = await find(fullJid);
      if (existing !== undefined) return existing;
      const id = makeId();
      try {
        await kv.create(legacyClientKey(fullJid), id);
        return id;
      } catch (error) {
        const winner = await find(fullJid);
        if (winner === undefined) throw error;
        return winner;
      }
    },
  };
}
