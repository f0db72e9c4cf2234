import { decodeEvent, MalformedEventError, type GatehouseEvent } from '@gatehouse/events';
import type { Kysely } from 'kysely';
import type { Logger } from '@gatehouse/telemetry';
import { saveCheckpoint, sequenceIn, type StreamIdentity } from './checkpoint.ts';
import type { Database } from './database.ts';
import { handlerFor, type Projection } from './projection.ts';

export interface StoredMessage {
  stream: StreamIdentity;
  /** The message's sequence in the stream. */
  seq: number;
  data: Uint8Array;
}

export type ApplyOutcome = 'applied' | 'ignored' | 'malformed' | 'duplicate';

/**
 * One message, one transaction: checkpoint read (locked), handler, checkpoint write
 * (conventions §8). A redelivered message finds its sequence covered and changes nothing.
 * A malformed one still moves the checkpoint, so one bad publish cannot wedge the
 * projection; any other failure rolls everything back and is thrown for the caller to retry.
 */
export async function applyMessage(db: Kysely<Database>, projection: Projection, message: StoredMessage, logger: Logger): Promise<ApplyOutcome> {
  let event: GatehouseEvent | undefined;
  try {
    event = decodeEvent(message.data);
  } catch (error) {
    if (!(error instanceof MalformedEventError)) throw error;
    logger.warn({ err: error, projection: projection.name, stream: message.stream.name, seq: message.seq }, 'skipping a malformed event');
  }
  return db.transaction().execute(async (trx) => {
    if ((await sequenceIn(trx, projection.name, message.stream, { lock: true })) >= message.seq) return 'duplicate';
    let outcome: ApplyOutcome = 'malformed';
    if (event) {
      const handler = handlerFor(projection, event);
      if (handler) await handler(trx, event);
      outcome = handler ? 'applied' : 'ignored';
    }
    await saveCheckpoint(trx, projection.name, message.stream, message.seq);
    return outcome;
  });
}
