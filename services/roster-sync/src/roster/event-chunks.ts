/**
 * Events that carry a whole roster's contacts (`synced`, `cleared`) are split so that none
 * outgrows a NATS message (`max_payload`, 1 MiB by default): a roster stored over the
 * limits by an older version could otherwise never be synced or deleted.
 */
import { jsonBytes } from '@gatehouse/bus';

/**
 * Bytes of JSON the contacts of one event may take: the roster limits top out at 768 KiB,
 * but set and removed together, plus the envelope, must stay well under 1 MiB.
 */
export const EVENT_ITEMS_BUDGET = 512 * 1024;

/** `items` in order, cut into runs of at most `budget` bytes of JSON (an item over it alone); none when empty. */
export function chunksOf<T>(items: readonly T[], budget = EVENT_ITEMS_BUDGET): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let used = 0;
  for (const item of items) {
    const bytes = jsonBytes(item) + 1;
    if (chunk.length > 0 && used + bytes > budget) {
      chunks.push(chunk);
      chunk = [];
      used = 0;
    }
    chunk.push(item);
    used += bytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
