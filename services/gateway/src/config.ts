import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { booleanFromEnv, commonEnv } from '@gatehouse/config';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const gatewayConfigSchema = z.object({
  ...commonEnv,
  /** Names this replica in routes and delivery subjects; must be unique in the cluster. */
  GATEWAY_REPLICA_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default(() => `gw-${randomBytes(4).toString('hex')}`),
  /** Address the listeners bind to. */
  GATEWAY_BIND_ADDRESS: z.string().default('0.0.0.0'),
  C2S_PORT: port(5222),
  C2S_TLS_PORT: port(5223),
  HTTP_PORT: port(5280),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  /** Where a generated self-signed certificate is kept when none is configured. */
  GATEHOUSE_DATA_DIR: z.string().default('./.data'),
  /** Largest stanza (bytes) after authentication; RFC 6120 §13.12 leaves the bound to us. */
  C2S_STANZA_SIZE_LIMIT: positive(256 * 1024),
  /** Largest stanza (bytes) before authentication: nothing legitimate is large then. */
  C2S_PREAUTH_STANZA_SIZE_LIMIT: positive(8 * 1024),
  /** A client that has not authenticated by then is disconnected (ms). */
  C2S_AUTH_TIMEOUT_MS: positive(30_000),
  /** Failed SASL attempts allowed on one stream before it is closed. */
  C2S_MAX_AUTH_FAILURES: positive(3),
  /**
   * Authentication attempts one client address may have in progress on a replica; more
   * are answered `<temporary-auth-failure/>` (RFC 6120 §6.5.12). Addresses shared by many
   * users (a large NAT) may need more.
   */
  /**
   * How long (ms) the first answer after a TLS 1.3 handshake is held, so @xmpp/client 0.14
   * is listening when it arrives (transports/stream-transport.ts). 0 answers at once.
   */
  C2S_TLS_FIRST_ANSWER_DELAY_MS: z.coerce.number().int().min(0).max(100).default(5),
  /**
   * Failed logins from one address (in 15 minutes) before every login from it is held;
   * an account is held from its first failure. Many users may share an address (NAT).
   */
  C2S_AUTH_FREE_FAILURES_PER_IP: z.coerce.number().int().min(0).max(10_000).default(10),
  C2S_MAX_CONCURRENT_AUTH_PER_IP: z.coerce.number().int().min(1).max(10_000).default(4),
  /**
   * Every login must name its client with a SASL2 `<user-agent id>` (Prosody's
   * enforce_client_ids): legacy SASL is then not offered.
   */
  ENFORCE_CLIENT_IDS: booleanFromEnv(false),
  /**
   * The WebSocket endpoint is reached only through a TLS-terminating proxy (wss://), so
   * its streams count as encrypted: PLAIN, SASL2 and FAST are offered there too.
   */
  WEBSOCKET_SECURE: booleanFromEnv(false),
  /**
   * Bearer secret of `POST /roster_admin/refresh` (external roster mode). Unset: the
   * endpoint answers 401 to every request.
   */
  ROSTER_ADMIN_SECRET: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || value.length >= 16, 'at least 16 characters'),
  /**
   * Bearer token of the admin HTTP API (`/admin/...` on HTTP_PORT). Unset (or empty), the
   * API is off and answers 401. RFC 6750 token characters, at least 16 of them.
   */
  ADMIN_TOKEN: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || /^[A-Za-z0-9\-._~+/]{16,}=*$/.test(value), 'at least 16 characters of A-Z a-z 0-9 - . _ ~ + /'),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
