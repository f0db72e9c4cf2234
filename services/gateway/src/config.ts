import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { booleanFromEnv, commonEnv } from '@gatehouse/config';
import { commaList, validTrustList } from './http/proxy-trust.ts';
import { validOrigins } from './http/origin-policy.ts';

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
  ADMIN_HTTP_PORT: port(5281),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  /** Where a generated self-signed certificate is kept when none is configured. */
  GATEHOUSE_DATA_DIR: z.string().default('./.data'),
  /** Largest stanza (bytes) after authentication; RFC 6120 §13.12 leaves the bound to us. */
  C2S_STANZA_SIZE_LIMIT: positive(256 * 1024),
  /**
   * Largest presence stanza (bytes) a client may broadcast: every replica keeps the last one
   * of each available session in memory (probes are answered from it), so it is bounded
   * well below a stanza. Capabilities, avatar hashes and a status fit in far less.
   */
  C2S_PRESENCE_SIZE_LIMIT: positive(16 * 1024),
  /** Largest stanza (bytes) before authentication: nothing legitimate is large then. */
  C2S_PREAUTH_STANZA_SIZE_LIMIT: positive(8 * 1024),
  /** A client that has not authenticated by then is disconnected (ms). */
  C2S_AUTH_TIMEOUT_MS: positive(30_000),
  /**
   * Bytes of our output a client may leave unread (queued in the gateway) before its
   * stream is closed with policy-violation; one larger stanza to a reading client is fine.
   */
  C2S_SEND_BUFFER_LIMIT: z.coerce.number().int().min(64 * 1024).default(1024 * 1024),
  /**
   * Bytes per second each connection is read at, sustained, from its first byte
   * (transports/read-throttle.ts): past it the gateway stops reading the socket for a while,
   * so one client sending costly input cannot keep the replica busy. A full-size stanza
   * every second, hundreds of times what a chat client sends.
   */
  C2S_READ_RATE_BYTES_PER_S: z.coerce.number().int().min(1024).default(256 * 1024),
  /**
   * Bytes a connection may send at once before C2S_READ_RATE_BYTES_PER_S applies: sixteen
   * full-size stanzas, so a client catching up after a reconnect or sending an avatar is never slowed.
   */
  C2S_READ_BURST_BYTES: z.coerce.number().int().min(16 * 1024).default(4 * 1024 * 1024),
  /** Failed SASL attempts allowed on one stream before it is closed. */
  C2S_MAX_AUTH_FAILURES: positive(3),
  /**
   * Resources one account may have bound at once across the cluster; a bind past it is
   * answered `resource-constraint` (RFC 6120 §7.6.2.1). 1 to 1000.
   */
  C2S_MAX_RESOURCES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(16),
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
  /**
   * Authentication attempts one client address may have in progress on a replica; more
   * are answered `<temporary-auth-failure/>` (RFC 6120 §6.5.12). Addresses shared by many
   * users (a large NAT) may need more.
   */
  C2S_MAX_CONCURRENT_AUTH_PER_IP: z.coerce.number().int().min(1).max(10_000).default(4),
  /**
   * Connections one client address may hold open on a replica before they authenticate;
   * one more is closed with `policy-violation`. Each holds a socket, a parser and a timer
   * for up to C2S_AUTH_TIMEOUT_MS, so an unbounded number is a cheap way to exhaust memory
   * and file descriptors. Addresses shared by many users (a large NAT) may need more.
   */
  C2S_MAX_PREAUTH_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(32),
  /**
   * Every login must name its client with a SASL2 `<user-agent id>` (Prosody's
   * enforce_client_ids): legacy SASL is then not offered.
   */
  ENFORCE_CLIENT_IDS: booleanFromEnv(false),
  /**
   * Removed: it trusted every WebSocket upgrade as encrypted, even plain ws:// from anyone.
   * Refused at start so an old deployment learns what replaced it.
   */
  WEBSOCKET_SECURE: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '', 'removed: behind a TLS proxy set HTTP_TLS=false and TRUSTED_PROXIES to its address; otherwise the gateway serves wss:// itself'),
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
   * Bearer token of the admin HTTP API (`/admin/...` on ADMIN_HTTP_PORT). Unset (or empty), the
   * API is off and answers 401. RFC 6750 token characters, at least 16 of them.
   */
  /**
   * A stanza for another replica while NATS is away waits this long (ms) for NATS, and for
   * that replica to answer after it, then its sender gets `remote-server-timeout`.
   */
  GATEWAY_OUTAGE_WAIT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  /** Stanzas held at once while NATS is away; more are bounced at once. */
  GATEWAY_OUTAGE_BUFFER_STANZAS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Bytes of stanzas held at once while NATS is away; more are bounced at once. */
  GATEWAY_OUTAGE_BUFFER_BYTES: z.coerce.number().int().min(65_536).max(1024 ** 3).default(16 * 1024 ** 2),
  ADMIN_TOKEN: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || /^[A-Za-z0-9\-._~+/]{16,}=*$/.test(value), 'at least 16 characters of A-Z a-z 0-9 - . _ ~ + /'),
  /**
   * HTTP_PORT serves HTTPS, so WebSocket is wss:// (RFC 7395 §3) with the certificate of
   * 5223. `false`: plain HTTP for a TLS-terminating proxy in front (see TRUSTED_PROXIES).
   */
  HTTP_TLS: booleanFromEnv(true),
  /** Address HTTP_PORT binds to. Unset: GATEWAY_BIND_ADDRESS with HTTP_TLS, loopback without. */
  HTTP_BIND_ADDRESS: z.string().optional().transform((value) => (value === '' ? undefined : value)),
  /**
   * Proxies (IPs, CIDRs or proxy-addr names such as `loopback`, comma-separated) whose
   * `X-Forwarded-Proto`/`Forwarded: proto=https` makes a plain WebSocket count as encrypted
   * and whose `X-Forwarded-For`/`Forwarded: for=` names the client. Empty: none.
   */
  TRUSTED_PROXIES: z.string().default('').transform(commaList).refine(validTrustList, 'IP addresses or CIDRs, comma-separated'),
  /**
   * Browser origins (`https://app.example.com`, or `*` for any) allowed to open the
   * WebSocket. Requests without an Origin header (native clients) are always allowed.
   */
  WEBSOCKET_ALLOWED_ORIGINS: z.string().default('').transform(commaList).refine(validOrigins, 'origins such as https://app.example.com, comma-separated, or *'),
  /** The admin listener (admin API, /roster_admin, /metrics): loopback unless opened up. */
  ADMIN_HTTP_BIND_ADDRESS: z.string().default('127.0.0.1'),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
