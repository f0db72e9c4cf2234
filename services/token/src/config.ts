import { cacheMegabytes, commonEnv } from '@gatehouse/config';
import { z } from 'zod';

const DAY_S = 86_400;

export const tokenConfigSchema = z
  .object({
    ...commonEnv,
    /**
     * PBKDF2 iterations for new SCRAM credentials. RFC 7677 §4 asks for at least 4096;
     * raising it slows every login and every brute-force guess alike.
     */
    SCRAM_ITERATIONS: z.coerce.number().int().min(4096).max(1_000_000).default(4096),
    /**
     * Seconds a FAST token (XEP-0484) lives from its issue; default 21 days, as Prosody's
     * `sasl2_fast_token_ttl`. Use never extends it: a client must log in with FAST (and be
     * handed a rotated token) at least once per lifetime, or type its password again.
     */
    FAST_TOKEN_LIFETIME_S: z.coerce.number().int().min(60).max(366 * DAY_S).default(21 * DAY_S),
    /**
     * Token age in seconds after which a FAST login is handed a fresh token unasked;
     * default 1 day, as Prosody's `sasl2_fast_token_min_ttl`. 0 rotates at every login.
     */
    FAST_TOKEN_ROTATE_AFTER_S: z.coerce.number().int().min(0).max(366 * DAY_S).default(DAY_S),
    /**
     * Clients (XEP-0388 client ids with a live grant) one account keeps; a login with a new
     * client id past it forgets the least recently used one (its grant and FAST tokens).
     * 1 to 10000.
     */
    TOKEN_MAX_CLIENTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(64),
    /** Each of the three caches (accounts, grants, FAST tokens), cacheMegabytes; the objects take a few times that in memory. */
    TOKEN_CACHE_MB: cacheMegabytes(),
  })
  .refine((config) => config.FAST_TOKEN_ROTATE_AFTER_S < config.FAST_TOKEN_LIFETIME_S, {
    path: ['FAST_TOKEN_ROTATE_AFTER_S'],
    message: 'must be less than FAST_TOKEN_LIFETIME_S, or tokens expire before they are ever rotated',
  });

export type TokenConfig = z.output<typeof tokenConfigSchema>;
