import { createDb, migrateToLatest, type ResolvedDatabase } from '@gatehouse/db';
import { createEvent, encodeEvent, namesFor, type EventDataMap, type EventType, type Names } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { createTestDatabase, setupNats, type NatsTestContext } from '@gatehouse/testing';
import { ensureStreams } from '@gatehouse/bus';
import { jetstream } from '@nats-io/jetstream';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { migrations } from './migrations/index.ts';

export const credentials = {
  'SCRAM-SHA-1': { salt: 'c2FsdA==', iterations: 4096, storedKey: 'c3RvcmVk', serverKey: 'c2VydmVy' },
  'SCRAM-SHA-256': { salt: 'c2FsdA==', iterations: 4096, storedKey: 'c3RvcmVk', serverKey: 'c2VydmVy' },
};

export const testLogger = createLogger('projections-test', process.env.LOG_LEVEL ?? 'silent');

export interface Fixture extends NatsTestContext {
  names: Names;
  db: Kysely<Database>;
  /** Appends an account event the way the token service does; returns its stream sequence. */
  append<Type extends EventType>(type: Type, jid: string, data: EventDataMap[Type], time?: string): Promise<number>;
  /** Appends raw bytes to an account subject. */
  appendRaw(jid: string, bytes: Uint8Array): Promise<number>;
  rows(): Promise<unknown[]>;
}

/** A fresh namespace with its streams, and a migrated database (a new one on the test server unless given). */
export async function setupFixture(database?: ResolvedDatabase): Promise<Fixture> {
  const nats = await setupNats();
  const names = namesFor(nats.ns);
  await ensureStreams(nats.nc, nats.ns);
  const testDatabase = database ? undefined : await createTestDatabase();
  // The test database is dropped with its connections at cleanup: an idle one ends then.
  const db = createDb<Database>(database ?? { kind: 'postgres', url: testDatabase!.url }, {
    onConnectionError: (err) => testLogger.debug({ err }, 'idle connection closed'),
  });
  await migrateToLatest(db, migrations);
  const js = jetstream(nats.nc);
  const publish = async (jid: string, bytes: Uint8Array, msgID?: string) =>
    (await js.publish(names.subjects.account(jid), bytes, msgID ? { msgID } : {})).seq;
  return {
    ...nats,
    names,
    db,
    async append(type, jid, data, time) {
      const event = createEvent(type, { subject: names.subjects.account(jid), source: 'gatehouse/test', data, ...(time ? { time } : {}) });
      return publish(jid, encodeEvent(event), event.id);
    },
    appendRaw: (jid, bytes) => publish(jid, bytes),
    rows: () => db.selectFrom('accounts').selectAll().orderBy('jid').execute(),
    async cleanup() {
      await db.destroy();
      await testDatabase?.cleanup();
      await nats.cleanup();
    },
  };
}
