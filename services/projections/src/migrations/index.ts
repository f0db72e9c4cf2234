import type { Migration } from 'kysely';
import * as accounts from './2026-11-25-accounts.ts';
import * as checkpoints from './2026-11-25-checkpoints.ts';
import * as clients from './2026-11-26-clients.ts';
import * as clientActivity from './2026-12-08-client-activity.ts';
import * as lastActivity from './2026-12-09-last-activity.ts';

/** Every migration, keyed by its ISO-date name (kysely applies them in name order). */
export const migrations: Record<string, Migration> = {
  '2026-11-25-accounts': accounts,
  '2026-11-25-checkpoints': checkpoints,
  '2026-11-26-clients': clients,
  '2026-12-08-client-activity': clientActivity,
  '2026-12-09-last-activity': lastActivity,
};
