import { commonEnv } from '@gatehouse/config';
import { z } from 'zod';

export const projectionsConfigSchema = z.object({
  ...commonEnv,
  /** PostgreSQL holding the read models. Unset: the local server if one answers, else embedded PGlite. */
  DATABASE_URL: z.string().optional(),
  /** Embedded PGlite directory chosen by `gatehouse start`; used only when DATABASE_URL is unset. */
  GATEHOUSE_PGLITE_DIR: z.string().optional(),
  /** Embedded PGlite lives in `<dir>/pg` when neither of the above applies. */
  GATEHOUSE_DATA_DIR: z.string().min(1).default('./.data'),
});

export type ProjectionsConfig = z.output<typeof projectionsConfigSchema>;
