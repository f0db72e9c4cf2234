import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('clients')
    .addColumn('jid', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('legacy', 'boolean', (col) => col.notNull())
    .addColumn('session_seen', 'boolean', (col) => col.notNull())
    .addColumn('first_seen', 'timestamptz', (col) => col.notNull())
    .addColumn('last_seen', 'timestamptz', (col) => col.notNull())
    .addColumn('software', 'text')
    .addColumn('device', 'text')
    .addColumn('uri', 'text')
    .addColumn('password_used_at', 'timestamptz')
    .addColumn('fast_used_at', 'timestamptz')
    .addColumn('password_changed_at', 'timestamptz')
    .addColumn('grant_id', 'text')
    .addColumn('grant_created_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addPrimaryKeyConstraint('clients_pk', ['jid', 'client_id'])
    .execute();
  await db.schema
    .createTable('client_sessions')
    .addColumn('jid', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('session_id', 'text', (col) => col.notNull())
    .addColumn('full_jid', 'text')
    .addPrimaryKeyConstraint('client_sessions_pk', ['jid', 'client_id', 'session_id'])
    .execute();
  await db.schema
    .createTable('client_fast_tokens')
    .addColumn('jid', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('token_id', 'text', (col) => col.notNull())
    .addColumn('issued_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('client_fast_tokens_pk', ['jid', 'client_id', 'token_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('client_fast_tokens').execute();
  await db.schema.dropTable('client_sessions').execute();
  await db.schema.dropTable('clients').execute();
}
