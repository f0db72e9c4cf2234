import type { Kysely } from 'kysely';

/**
 * Catalog v2: the client listing also reads the sessions stream (client-activity), whose
 * events reach it in no set order against the clients stream. Two small tombstone tables
 * let each side tell a fact it must not undo; a session's establishment time tells which
 * sessions a forgetting ends.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('client_sessions').addColumn('established_at', 'timestamptz').execute();
  await db.schema
    .createTable('forgotten_clients')
    .addColumn('jid', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('forgotten_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('forgotten_clients_pk', ['jid', 'client_id'])
    .execute();
  await db.schema
    .createTable('ended_client_sessions')
    .addColumn('session_id', 'text', (col) => col.primaryKey())
    .addColumn('ended_at', 'timestamptz', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ended_client_sessions').execute();
  await db.schema.dropTable('forgotten_clients').execute();
  await db.schema.alterTable('client_sessions').dropColumn('established_at').execute();
}
