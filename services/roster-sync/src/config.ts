import { cacheMegabytes, commonEnv } from '@gatehouse/config';
import { z } from 'zod';

const positive = (fallback: number, max: number) => z.coerce.number().int().positive().max(max).default(fallback);

export const rosterSyncConfigSchema = z.object({
  ...commonEnv,
  /**
   * External roster mode (mod_http_roster_admin): the web app URL rosters are fetched
   * from, with one `%s` replaced by the URL-encoded username. Unset: rosters are the
   * users' own (RFC 6121).
   */
  ROSTER_HTTP_URL: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || value.split('%s').length === 2, 'must contain exactly one %s')
    .refine((value) => value === undefined || /^https?:\/\//.test(value), 'must be an http:// or https:// URL'),
  /**
   * How long one roster fetch from the web app may take (ms) before it counts as failed.
   * At most 25 s: gateways wait 30 s for an answer that may involve a fetch.
   */
  ROSTER_HTTP_TIMEOUT_MS: positive(5_000, 25_000),
  /** Largest roster response accepted from the web app (bytes). */
  ROSTER_HTTP_MAX_BYTES: positive(1024 * 1024, 64 * 1024 * 1024),
  /** Most messages kept for one offline user (XEP-0160); more are refused. */
  OFFLINE_MAX_MESSAGES: positive(1_000, 100_000),
  /** Most contacts on one roster (RFC 6121 §2.3.3: resource-constraint beyond). */
  ROSTER_MAX_ITEMS: positive(2_000, 100_000),
  /**
   * Most bytes one roster holds: its items as JSON plus the subscription requests kept
   * (resource-constraint beyond). At most 768 KiB, so an event carrying a whole roster
   * (emptied at deletion, synced from the web app) stays below NATS's 1 MiB max_payload.
   */
  ROSTER_MAX_BYTES: positive(512 * 1024, 768 * 1024),
  /** Most groups of one roster item (not-acceptable beyond). */
  ROSTER_MAX_GROUPS: positive(25, 256),
  /** Most UTF-8 bytes of an item's name and of each group name (RFC 6121 §2.3.3: not-acceptable beyond). */
  ROSTER_MAX_NAME_BYTES: positive(1_023, 1_023),
  /** Most JIDs on one block list (XEP-0191; resource-constraint beyond). */
  BLOCKLIST_MAX_ITEMS: positive(1_000, 100_000),
  /** Most bytes of one block list as JSON; at most 768 KiB, as it is one KV value the gateways mirror. */
  BLOCKLIST_MAX_BYTES: positive(256 * 1024, 768 * 1024),
  /** Rosters one replica keeps loaded (cacheMegabytes); block lists get a quarter of it on top. */
  ROSTER_CACHE_MB: cacheMegabytes(),
  /** Most bytes of offline messages kept for one account (XEP-0160); more are refused. */
  OFFLINE_MAX_BYTES: positive(2 * 1024 * 1024, 1024 * 1024 * 1024),
});

export type RosterSyncConfig = z.output<typeof rosterSyncConfigSchema>;
