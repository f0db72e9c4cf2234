import { JetStreamApiCodes, JetStreamApiError, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { encodeEvent, type GatehouseEvent } from '@gatehouse/events';
import { StreamFullError, WrongExpectedSequenceError } from './errors.ts';
import { managerOf } from './manager.ts';

export interface AppendOptions {
  /** Sequence of the last event on the event's subject when it was read; 0 = the subject must be empty. */
  expectedLastSubjectSequence?: number;
}

/**
 * Stores one event on its subject. `Nats-Msg-Id` is the event id, so a retry within the
 * stream's duplicate window is stored once and reported `duplicate`.
 */
export async function appendEvent(
  nc: NatsConnection,
  event: GatehouseEvent,
  { expectedLastSubjectSequence }: AppendOptions = {},
): Promise<{ seq: number; duplicate: boolean }> {
  try {
    const ack = await jetstream(nc).publish(event.subject, encodeEvent(event), {
      msgID: event.id,
      ...(expectedLastSubjectSequence === undefined ? {} : { expect: { lastSubjectSequence: expectedLastSubjectSequence } }),
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
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
