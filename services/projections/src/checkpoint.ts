import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/** Which stream a checkpoint counts in: the same name may be a new stream after a delete. */
export interface StreamIdentity {
  name: string;
  /** Creation time as the server reports it. */
  created: string;
}

export interface StoredCheckpoint {
  stream: StreamIdentity;
  sequence: number;
}

/**
 * The stored checkpoint, if any. Inside the apply transaction the row is locked, so two
 * replicas handed the same message cannot both apply it.
 */
export async function readCheckpoint(db: Kysely<Database>, name: string, options: { lock?: boolean } = {}): Promise<StoredCheckpoint | undefined> {
  let query = db.selectFrom('projection_checkpoints').select(['stream', 'stream_created', 'last_sequence']).where('name', '=', name);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && { stream: { name: row.stream, created: row.stream_created }, sequence: Number(row.last_sequence) };
}

/** The sequence reached in `stream`: 0 when the checkpoint is missing or counts in another stream. */
export async function sequenceIn(db: Kysely<Database>, name: string, stream: StreamIdentity, options: { lock?: boolean } = {}): Promise<number> {
  const checkpoint = await readCheckpoint(db, name, options);
  return checkpoint && sameStream(checkpoint.stream, stream) ? checkpoint.sequence : 0;
}

export function sameStream(a: StreamIdentity, b: StreamIdentity): boolean {
  return a.name === b.name && a.created === b.created;
}

export async function saveCheckpoint(db: Kysely<Database>, name: string, stream: StreamIdentity, sequence: number): Promise<void> {
  const row = { stream: stream.name, stream_created: stream.created, last_sequence: sequence };
  await db
    .insertInto('projection_checkpoints')
    .values({ name, ...row })
    .onConflict((conflict) => conflict.column('name').doUpdateSet(row))
    .execute();
}

/**
 * A checkpoint row at 0 where there is none: the apply transaction locks that row, and a
 * missing row locks nothing, so two replicas could both apply the stream's first events.
 */
export async function ensureCheckpoint(db: Kysely<Database>, name: string, stream: StreamIdentity): Promise<void> {
  await db
    .insertInto('projection_checkpoints')
    .values({ name, stream: stream.name, stream_created: stream.created, last_sequence: 0 })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
}

export async function deleteCheckpoint(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('projection_checkpoints').where('name', '=', name).execute();
}
