import { booleanFromEnv, commonEnv } from '@gatehouse/config';
import { z } from 'zod';

export const clientRegistryConfigSchema = z.object({
  ...commonEnv,
  /**
   * The gateways' ENFORCE_CLIENT_IDS (Prosody's enforce_client_ids): with it, a login
   * without a SASL2 `<user-agent id>` makes no legacy client, so every listed session
   * client has a real id.
   */
  ENFORCE_CLIENT_IDS: booleanFromEnv(false),
});

export type ClientRegistryConfig = z.output<typeof clientRegistryConfigSchema>;
