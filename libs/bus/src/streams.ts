import { DiscardPolicy, JetStreamApiError, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { namesFor, streamSubjects } from '@gatehouse/events';

/** JSStreamNameExistErr: a stream of that name exists with another configuration. */
const STREAM_NAME_EXISTS = 10058;

/** Stream limits as configured (commonEnv in @gatehouse/config; docs/operators.md). */
export interface StreamLimits {
  /** Seconds a session event is kept; 0 = no age limit. */
  STREAM_SESSIONS_MAX_AGE_S: number;
  /** Bytes the sessions stream keeps; past them its oldest events go. */
  STREAM_SESSIONS_MAX_BYTES: number;
  /** Events each aggregate stream (accounts, tokens, rosters, clients) may hold; past them new events are refused. */
  STREAM_AGGREGATES_MAX_MSGS: number;
}

export interface EnsureStreamsOptions {
  /** Without limits an existing stream keeps the limits it has (tests, and processes that only read). */
  limits?: StreamLimits;
  /** Told when a configured ceiling is below what a stream already holds. */
  logger?: Logger;
}

/**
 * Every aggregate stream of the namespace, created or brought up to date (subjects and
 * limits). Safe to race.
 *
 * Which limit where: session events are an audit trail no aggregate is rebuilt from
 * (client-registry keeps its own facts of them), so old ones may age out and are the
 * first to go when the stream is full (discard old, max age and bytes); control notices
 * age out after a week (controlLimits). The other streams
 * hold the only record of live aggregates (accounts, grants, rosters, clients): nothing
 * ever ages out or is dropped there, and a full stream refuses new events (discard new)
 * with StreamFullError. Their ceiling counts events, not bytes: nats-server 2.9 misjudges
 * a message's size under discard new with max_bytes and then drops the OLDEST messages
 * (nats-server issues 4771 and 4775, fixed in 2.10), and lowering max_msgs below what a
 * stream holds drops old ones too (issue 2589), so a ceiling is never set below that.
 */
export async function ensureStreams(nc: NatsConnection, ns: string, { limits, logger }: EnsureStreamsOptions = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const { sessions, control } = namesFor(ns).streams;
  for (const { name, subjects } of streamSubjects(ns)) {
    const base = {
      name,
      subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      // Long enough for the outbox to re-send with the same Nats-Msg-Id after a NATS restart.
      duplicate_window: nanos(2 * 60_000),
      // Lets a service find an aggregate's last sequence with one DIRECT.GET (last_by_subj)
      // instead of a consumer (@gatehouse/event-store loads aggregates on demand that way).
      allow_direct: true,
    };
    const limitsOf = name === sessions ? sessionLimits : name === control ? controlLimits : aggregateLimits;
    await ensureStream(jsm, base, limits && limitsOf(limits), logger);
  }
}

type Limits = Pick<StreamConfig, 'discard' | 'max_age' | 'max_bytes' | 'max_msgs'>;

function sessionLimits(limits: StreamLimits): Limits {
  return {
    discard: DiscardPolicy.Old,
    max_age: nanos(limits.STREAM_SESSIONS_MAX_AGE_S * 1_000),
    max_bytes: limits.STREAM_SESSIONS_MAX_BYTES,
    max_msgs: -1,
  };
}

/**
 * Control notices restate decisions stored elsewhere and matter only to live sessions: a
 * gateway follows them from its start, and one cut off longer than this has lost its
 * sessions anyway.
 */
const CONTROL_MAX_AGE_MS = 7 * 24 * 3_600_000;

function controlLimits(): Limits {
  return { discard: DiscardPolicy.Old, max_age: nanos(CONTROL_MAX_AGE_MS), max_bytes: -1, max_msgs: -1 };
}

function aggregateLimits(limits: StreamLimits): Limits {
  return { discard: DiscardPolicy.New, max_age: 0, max_bytes: -1, max_msgs: limits.STREAM_AGGREGATES_MAX_MSGS };
}

async function ensureStream(jsm: JetStreamManager, base: Partial<StreamConfig> & { name: string }, limits: Limits | undefined, logger: Logger | undefined): Promise<void> {
  // A stream made without limits keeps old events (discard old, no age or size limit).
  const config = { ...base, ...(limits ?? { discard: DiscardPolicy.Old }) };
  try {
    // Identical config: the server answers OK, which makes concurrent starts harmless.
    await jsm.streams.add(config);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_EXISTS)) throw error;
    const { config: current, state } = await jsm.streams.info(config.name);
    if (!limits) {
      await jsm.streams.update(config.name, { ...config, discard: current.discard, max_age: current.max_age, max_bytes: current.max_bytes, max_msgs: current.max_msgs });
      return;
    }
    if (config.discard === DiscardPolicy.New && config.max_msgs !== undefined && config.max_msgs >= 0 && config.max_msgs < state.messages) {
      logger?.warn({ stream: config.name, configured: config.max_msgs, holds: state.messages }, 'stream holds more events than its configured ceiling: ceiling set to what it holds, so no event is lost');
      config.max_msgs = state.messages;
    }
    await jsm.streams.update(config.name, config);
  }
}
