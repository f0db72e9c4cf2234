import type { ColumnType, Selectable } from 'kysely';

/** One row per projection: the last stream sequence its rows include. */
export interface CheckpointTable {
  name: string;
  /** JetStream stream name: it carries the namespace. */
  stream: string;
  /**
   * The stream's creation time. With the name, it tells a recreated stream (whose sequences
   * restart at 1) from the one the rows came from.
   */
  stream_created: string;
  /** int8: pg hands it back as a string, PGlite as a number; always read through Number(). */
  last_sequence: ColumnType<string | number | bigint, number, number>;
}

export type Checkpoint = Selectable<CheckpointTable>;
