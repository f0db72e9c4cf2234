import type { Kysely } from 'kysely';

/**
 * XEP-0012 last activity is read from the client rows: the time and status of each client's
 * last session end. The client row is written at that end anyway, so a login still writes
 * no more rows than before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('clients').addColumn('last_ended_at', 'timestamptz').addColumn('last_status', 'text').execute();
  await db.schema.createIndex('clients_last_ended').on('clients').columns(['jid', 'last_ended_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('clients_last_ended').execute();
  await db.schema.alterTable('clients').dropColumn('last_status').dropColumn('last_ended_at').execute();
}
