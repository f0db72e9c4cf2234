/**
 * Room the seed needs in the NATS store: stored bytes per event as measured on a small run
 * (JSON event, headers, subject and per-message overhead of the 2.9 file store), with room
 * for the store's own blocks and indexes on top (× 1.5).
 */
import { statfs } from 'node:fs/promises';
import type { SeedCounts } from './layout.ts';

const ACCOUNT_BYTES = 800;
const ROSTER_BYTES_PER_CONTACT = 120;
const ROSTER_BYTES = 450;
const CLIENT_BYTES = 3_400;

export function estimatedStoreBytes({ accounts, rosters, contacts, clients }: SeedCounts): number {
  const stored = accounts * ACCOUNT_BYTES + rosters * (ROSTER_BYTES + contacts * ROSTER_BYTES_PER_CONTACT) + clients * CLIENT_BYTES;
  return Math.round(stored * 1.5);
}

export async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}
