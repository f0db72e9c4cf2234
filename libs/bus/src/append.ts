import { JetStreamApiCodes, JetStreamApiError, JetStreamError, jetstream, type ApiError } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { encodeEvent, type GatehouseEvent } from '@gatehouse/events';
import { StreamFullError, WrongExpectedSequenceError } from './errors.ts';
import { decodeJson } from './json.ts';
import { managerOf } from './manager.ts';
import { requestReply } from './requester.ts';

/** nats.js's own bound on a JetStream publish. */
const PUBLISH_TIMEOUT_MS = 5_000;

/** What JetStream answers a publish (a PubAck, or an API error). */
interface PublishReply {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: ApiError;
}

export interface AppendOptions {
  /** Sequence of the last event on the event's subject when it was read; 0 = the subject must be empty. */
  expectedLastSubjectSequence?: number;
}

/**
 * Stores one event on its subject. `Nats-Msg-Id` is the event id, so a retry within the
 * stream's duplicate window is stored once and reported `duplicate`. Errors: JetStream's
 * refusals as JetStreamApiError (and the two below), NoRespondersError when no stream
 * takes the subject, RequestTimeoutError when no ack comes.
 */
export async function appendEvent(
  nc: NatsConnection,
  event: GatehouseEvent,
  { expectedLastSubjectSequence }: AppendOptions = {},
): Promise<{ seq: number; duplicate: boolean }> {
  try {
    return await publish(nc, event, expectedLastSubjectSequence);
  } catch (error) {
    if (
      expectedLastSubjectSequence !== undefined &&
      error instanceof JetStreamApiError &&
      error.code === JetStreamApiCodes.StreamWrongLastSequence
    ) {
      const seq = await storedAfter(nc, event, expectedLastSubjectSequence);
      if (seq !== undefined) return { seq, duplicate: true };
      throw new WrongExpectedSequenceError(event.subject, expectedLastSubjectSequence, { cause: error });
    }
    if (error instanceof JetStreamApiError && /maximum (bytes|messages) exceeded/i.test(error.message)) {
      throw new StreamFullError(event.subject, { cause: error });
    }
    throw error;
  }
}

/**
 * The JetStream publish protocol (ADR-1: headers in, PubAck out) over the connection's one
 * shared inbox. nats.js's `jetstream(nc).publish()` makes a client object per call and,
 * through `nc.request()`, builds a RequestError with its stack trace for every publish that
 * succeeds: 4 % of a gateway's CPU in the login bench, where each login appends five events.
 */
async function publish(nc: NatsConnection, event: GatehouseEvent, expectedLastSubjectSequence: number | undefined): Promise<{ seq: number; duplicate: boolean }> {
  const h = headers();
  h.set('Nats-Msg-Id', event.id);
  if (expectedLastSubjectSequence !== undefined) h.set('Nats-Expected-Last-Subject-Sequence', String(expectedLastSubjectSequence));
  const message = await requestReply(nc, event.subject, encodeEvent(event), { timeoutMs: PUBLISH_TIMEOUT_MS, headers: h });
  const reply = decodeJson(message.data) as PublishReply | undefined;
  if (reply?.error) throw new JetStreamApiError(reply.error);
  if (!reply?.stream || typeof reply.seq !== 'number') throw new JetStreamError(`invalid publish ack from ${event.subject}`);
  return { seq: reply.seq, duplicate: reply.duplicate === true };
}

/**
 * Where this very event was stored, if the conflict is with itself. nats-server 2.9 answers a
 * retried append (same id) as a duplicate before it checks the expected sequence; later
 * servers (2.15 here) check the sequence first, so the retry of an append whose ack was lost
 * conflicts with the append itself: the first event after the expected sequence tells.
 */
async function storedAfter(nc: NatsConnection, event: GatehouseEvent, expected: number): Promise<number | undefined> {
  const stream = await (await managerOf(nc)).streams.find(event.subject);
  const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: event.subject, opt_start_seq: expected + 1 });
  try {
    const next = await consumer.next({ expires: 2_000 });
    return next?.headers?.get('Nats-Msg-Id') === event.id ? next.seq : undefined;
  } finally {
    await consumer.delete().catch(() => {});
  }
}
