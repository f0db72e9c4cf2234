import { createHash, randomBytes } from 'node:crypto';
import type { KV } from '@gatehouse/bus';

/** Ids of clients that sent no `<user-agent id>`, known by their full JID (docs/client-management.md). */
export interface LegacyIds {
  /** The id of the legacy client at `fullJid`, made up (and kept) if there is none. */
  idFor(fullJid: string): Promise<string>;
  /** The id of the legacy client at `fullJid`, if one was ever made. */
  find(fullJid: string): Promise<string | undefined>;
}

/** Prosody's `id.short()`: 9 random bytes, 12 base64url characters. */
export function newLegacyId(): string {
  return randomBytes(9).toString('base64url');
}

/** The KV key of a full JID: its SHA-256, base64url. A JID may be 3 KB; a key must stay short. */
export function legacyKey(fullJid: string): string {
  return createHash('sha256').update(fullJid, 'utf8').digest('base64url');
}

/**
 * In a KV bucket keyed by the full JID's hash: a KV `create` lets exactly one registry
 * replica, or one of two attempts at the same event, name the client.
 */
export function kvLegacyIds(kv: KV, makeId: () => string = newLegacyId): LegacyIds {
  const find = async (fullJid: string) => {
    const entry = await kv.get(legacyKey(fullJid));
    return entry && entry.operation === 'PUT' ? entry.string() : undefined;
  };
  return {
    find,
    async idFor(fullJid) {
      const existing = await find(fullJid);
      if (existing !== undefined) return existing;
      const id = makeId();
      try {
        await kv.create(legacyKey(fullJid), id);
        return id;
      } catch (error) {
        const winner = await find(fullJid);
        if (winner === undefined) throw error;
        return winner;
      }
    },
  };
}
