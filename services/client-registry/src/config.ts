import { booleanFromEnv, cacheMegabytes, commonEnv } from '@gatehouse/config';
import { z } from 'zod';

export const clientRegistryConfigSchema = z.object({
  ...commonEnv,
  /**
   * The gateways' ENFORCE_CLIENT_IDS (Prosody's enforce_client_ids): with it, a login
   * without a SASL2 `<user-agent id>` makes no legacy client, so every listed session
   * client has a real id.
   */
  ENFORCE_CLIENT_IDS: booleanFromEnv(false),
  /**
   * Client records one account keeps, 1–10000; default 64, as TOKEN_MAX_CLIENTS_PER_ACCOUNT.
   * Past it, the client seen least recently without a live session or grant is forgotten.
   */
  CLIENT_REGISTRY_MAX_CLIENTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(64),
  /** Client records one replica keeps loaded (cacheMegabytes). */
  CLIENT_REGISTRY_CACHE_MB: cacheMegabytes(),
});

export type ClientRegistryConfig = z.output<typeof clientRegistryConfigSchema>;
