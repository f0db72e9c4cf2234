import { ensureStreams, type NatsConnection } from '@gatehouse/bus';
import { createDb, migrateToLatest } from '@gatehouse/db';
import { createProjectionsService, migrations, type Database, type ProjectionsService } from '@gatehouse/projections';
import type { Logger } from '@gatehouse/telemetry';
import { createTestDatabase, setupNats } from '@gatehouse/testing';
import { createTokenService, type TokenService } from '@gatehouse/token';

/**
 * What the registry runs beside, for integration tests: a private NATS namespace, the token
 * service, and the projections service on a database of its own (the registry fetches its
 * clients' logins from it).
 */
export async function startRegistryStack(logger: Logger) {
  const context = await setupNats();
  const { nc, ns } = context;
  await ensureStreams(nc, ns);
  const database = await createTestDatabase();
  const db = createDb<Database>({ kind: 'postgres', url: database.url }, { onConnectionError: (err) => logger.debug({ err }, 'idle connection closed') });
  await migrateToLatest(db, migrations);
  const token: TokenService = createTokenService({ nc, ns, domain: 'localhost', logger });
  await token.start();
  const projections: ProjectionsService = createProjectionsService({ nc, db, namespace: ns, logger, retryDelayMs: 100 });
  await projections.start();
  return {
    nc: nc as NatsConnection,
    ns,
    projections,
    async stop() {
      await projections.stop();
      await token.stop();
      await db.destroy();
      await database.cleanup();
      await context.cleanup();
    },
  };
}
