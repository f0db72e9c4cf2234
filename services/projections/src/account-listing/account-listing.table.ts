import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Every account ever created; a deleted one keeps its row with `deleted_at` set until it is created again. */
export interface AccountsTable {
  /** Normalised bare JID. */
  jid: string;
  domain: string;
  created_at: Timestamp;
  password_changed_at: Timestamp | null;
  deleted_at: Timestamp | null;
}

export type AccountRow = Selectable<AccountsTable>;
