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
 * Consecutive messages of one stream, in one transaction: checkpoint read (locked), each
 * handler, one checkpoint write. Under load a batch is whatever arrived
 * while the last one committed, so a commit and its WAL flush serve many events. A
 * redelivered message finds its sequence covered and changes nothing. A malformed one still
 * moves the checkpoint, so one bad publish cannot wedge the projection; any other failure
 * rolls the whole batch back and is thrown for the caller to retry.
 */
export async function applyMessages(db: Kysely<Database>, projection: Projection, messages: readonly StoredMessage[], logger: Logger): Promise<ApplyOutcome[]> {
  const [first] = messages;
  if (!first) return [];
  const events = messages.map((message) => decode(projection, message, logger));
  return db.transaction().execute(async (trx) => {
    let reached = await sequenceIn(trx, projection.name, first.stream, { lock: true });
    const outcomes: ApplyOutcome[] = [];
    for (const [index, message] of messages.entries()) {
      if (message.seq <= reached) {
        outcomes.push('duplicate');
        continue;
      }
      const event = events[index];
      const handler = event && handlerFor(projection, event);
      if (handler) await handler(trx, event);
      outcomes.push(event === undefined ? 'malformed' : handler ? 'applied' : 'ignored');
      reached = message.seq;
    }
    if (outcomes.some((outcome) => outcome !== 'duplicate')) await saveCheckpoint(trx, projection.name, first.stream, reached);
    return outcomes;
  });
}

/** One message on its own: what a replay test or a single redelivery does. */
export async function applyMessage(db: Kysely<Database>, projection: Projection, message: StoredMessage, logger: Logger): Promise<ApplyOutcome> {
  const [outcome] = await applyMessages(db, projection, [message], logger);
  return outcome!;
}

function decode(projection: Projection, message: StoredMessage, logger: Logger): GatehouseEvent | undefined {
  try {
    return decodeEvent(message.data);
  } catch (error) {
    if (!(error instanceof MalformedEventError)) throw error;
    logger.warn({ err: error, projection: projection.name, stream: message.stream.name, seq: message.seq }, 'skipping a malformed event');
    return undefined;
  }
}
