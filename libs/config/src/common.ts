import { z } from 'zod';

/** "true"/"1"/"yes" are true; anything else, or unset, is the default. */
export const booleanFromEnv = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : /^(1|true|yes|on)$/i.test(value)));

/**
 * MiB of loaded aggregates a service replica keeps (the event store's cache, measured as
 * the states' JSON), 1–4096: what is used least recently is read from its stream again
 * when next needed. Returned in bytes.
 */
export const cacheMegabytes = (fallback = 32) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(4096)
    .default(fallback)
    .transform((megabytes) => megabytes * 1024 * 1024);

/** Variables every Gatehouse process reads. */
export const commonEnv = {
  /** NATS server with JetStream. */
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Prefix of every subject, stream and bucket, so stacks can share one NATS server. */
  GATEHOUSE_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,30}$/, 'lower-case letters, digits and _ only, starting with a letter')
    .default('gatehouse'),
  /** XMPP domain served. */
  XMPP_DOMAIN: z.string().min(1).default('localhost').transform((domain) => domain.toLowerCase()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seconds a session event is kept (an audit trail: old ones may go); 0 = no age limit. Default 90 days. */
  STREAM_SESSIONS_MAX_AGE_S: z.coerce.number().int().min(0).default(90 * 86_400),
  /** Bytes the sessions stream keeps; past them its oldest events go. Default 1 GiB. */
  STREAM_SESSIONS_MAX_BYTES: z.coerce.number().int().min(1024 ** 2).default(1024 ** 3),
  /** Events each aggregate stream (accounts, tokens, rosters, clients) holds; past them new events are refused, none dropped. */
  STREAM_AGGREGATES_MAX_MSGS: z.coerce.number().int().min(1_000).default(10_000_000),
};
