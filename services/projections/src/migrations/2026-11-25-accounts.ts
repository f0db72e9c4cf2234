import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('jid', 'text', (col) => col.primaryKey())
    .addColumn('domain', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('password_changed_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  // accounts.list filters by domain and liveness.
  await db.schema.createIndex('accounts_domain_live').on('accounts').columns(['domain', 'jid']).where(sql.ref('deleted_at'), 'is', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('accounts').execute();
}
