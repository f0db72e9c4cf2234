import { connectBus } from '@gatehouse/bus';
import { loadConfig } from '@gatehouse/config';
import { createDb, describeDatabase, migrateToLatest, resolveDatabase } from '@gatehouse/db';
import { createLogger, runUntilSignal, signalReady, startTelemetry } from '@gatehouse/telemetry';
import { projectionsConfigSchema } from './config.ts';
import type { Database } from './database.ts';
import { migrations } from './migrations/index.ts';
import { createProjectionsService } from './service.ts';

const config = loadConfig(projectionsConfigSchema);
const logger = createLogger('projections', config.LOG_LEVEL);
const telemetry = startTelemetry('projections');
const database = await resolveDatabase({
  databaseUrl: config.DATABASE_URL,
  pgliteDir: config.GATEHOUSE_PGLITE_DIR,
  dataDir: config.GATEHOUSE_DATA_DIR,
  logger,
});
const db = createDb<Database>(database, {
  onConnectionError: (err) => logger.warn({ err }, 'PostgreSQL closed an idle connection; the next query opens another'),
});
const applied = await migrateToLatest(db, migrations);
logger.info({ database: describeDatabase(database), applied }, 'database migrated');
const nc = await connectBus({ url: config.NATS_URL, name: 'projections', logger });
const service = createProjectionsService({ nc, db, namespace: config.GATEHOUSE_NAMESPACE, logger });
await service.start();
signalReady({ service: 'projections', database: database.kind });
logger.info({ namespace: config.GATEHOUSE_NAMESPACE }, 'ready');
runUntilSignal(async () => {
  await service.stop();
  await nc.drain();
  await db.destroy();
  await telemetry.shutdown();
}, logger);
