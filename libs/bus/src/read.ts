import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeEvent, MalformedEventError, type GatehouseEvent } from '@gatehouse/events';

const BATCH = 256;

export interface ReadAggregateOptions {
  /** First stream sequence to read (inclusive): what a cached state or snapshot already covers is skipped. Default 1. */
  startSequence?: number;
}

/**
 * Every event stored on one subject, in order (from `startSequence` on), and the stream
 * sequence of the last one read (0 when there is none): what a decider folds, and what
 * the next append expects.
 * A malformed message cannot have come from a Gatehouse producer (they validate what
 * they publish), so, as everywhere on the bus, it is skipped; its sequence still counts
 * for the next append and is reported in `skipped` for the caller to log.
 */
export async function readAggregate(
  nc: NatsConnection,
  streamName: string,
  subject: string,
  { startSequence = 1 }: ReadAggregateOptions = {},
): Promise<{ events: GatehouseEvent[]; lastSequence: number; skipped: number[] }> {
  const consumer = await jetstream(nc).consumers.get(streamName, { filter_subjects: subject, opt_start_seq: startSequence });
  try {
    const events: GatehouseEvent[] = [];
    const skipped: number[] = [];
    let lastSequence = 0;
    let remaining = (await consumer.info(true)).num_pending;
    while (remaining > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(remaining, BATCH), expires: 5_000 });
      let received = 0;
      for await (const message of batch) {
        received += 1;
        try {
          events.push(decodeEvent(message.data));
        } catch (error) {
          if (!(error instanceof MalformedEventError)) throw error;
          skipped.push(message.seq);
        }
        lastSequence = message.seq;
        remaining = message.info.pending;
        if (remaining === 0) break;
      }
      if (received === 0) throw new Error(`${streamName} delivered nothing for ${subject} with ${remaining} pending`);
    }
    return { events, lastSequence, skipped };
  } finally {
    await consumer.delete().catch(() => {});
  }
}
