import { commonEnv } from '@gatehouse/config';
import { z } from 'zod';

export const tokenConfigSchema = z.object({
  ...commonEnv,
  /**
   * PBKDF2 iterations for new SCRAM credentials. RFC 7677 §4 asks for at least 4096;
   * raising it slows every login and every brute-force guess alike.
   */
  SCRAM_ITERATIONS: z.coerce.number().int().min(4096).max(1_000_000).default(4096),
});

export type TokenConfig = z.output<typeof tokenConfigSchema>;
