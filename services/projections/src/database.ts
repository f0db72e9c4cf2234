import type { AccountsTable } from './account-listing/account-listing.table.ts';
import type { CheckpointTable } from './checkpoint.table.ts';
import type { ClientFastTokensTable, ClientSessionsTable, ClientsTable, EndedClientSessionsTable, ForgottenClientsTable } from './client-listing/client-listing.table.ts';

/** Every table of the projections database, one entry per `*.table.ts`. */
export interface Database {
  projection_checkpoints: CheckpointTable;
  accounts: AccountsTable;
  clients: ClientsTable;
  client_sessions: ClientSessionsTable;
  client_fast_tokens: ClientFastTokensTable;
  forgotten_clients: ForgottenClientsTable;
  ended_client_sessions: EndedClientSessionsTable;
}
