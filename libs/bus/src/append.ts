import { JetStreamApiCodes, JetStreamApiError, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { encodeEvent, type GatehouseEvent } from '@gatehouse/events';
import { WrongExpectedSequenceError } from './errors.ts';

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
      throw new WrongExpectedSequenceError(event.subject, expectedLastSubjectSequence, { cause: error });
    }
    throw error;
  }
}
