import type { ColumnType, Selectable } from 'kysely';

/** One row per projection: the last stream sequence its rows include. */
export interface CheckpointTable {
  name: string;
  /** JetStream stream name, so a checkpoint is never read against another stream. */
  stream: string;
  /** int8: pg hands it back as a string, PGlite as a number; always read through Number(). */
  last_sequence: ColumnType<string | number | bigint, number, number>;
}

export type Checkpoint = Selectable<CheckpointTable>;
