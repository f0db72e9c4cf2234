import { connectBus, ensureStreams } from '@gatehouse/bus';
import { loadConfig } from '@gatehouse/config';
import { createLogger, runUntilSignal, signalReady, startTelemetry } from '@gatehouse/telemetry';
import { rosterSyncConfigSchema } from './config.ts';
import { httpRosterSource } from './external/http-roster-source.ts';
import { createRosterSyncService } from './service.ts';

const config = loadConfig(rosterSyncConfigSchema);
const logger = createLogger('roster-sync', config.LOG_LEVEL);
const telemetry = startTelemetry('roster-sync');
const nc = await connectBus({ url: config.NATS_URL, name: 'roster-sync', logger });
await ensureStreams(nc, config.GATEHOUSE_NAMESPACE, { limits: config, logger });
const external = config.ROSTER_HTTP_URL
  ? httpRosterSource({
      urlTemplate: config.ROSTER_HTTP_URL,
      timeoutMs: config.ROSTER_HTTP_TIMEOUT_MS,
      maxBytes: config.ROSTER_HTTP_MAX_BYTES,
      domain: config.XMPP_DOMAIN,
    })
  : undefined;
const service = createRosterSyncService({
  nc,
  ns: config.GATEHOUSE_NAMESPACE,
  domain: config.XMPP_DOMAIN,
  logger,
  external,
  rosterLimits: {
    maxItems: config.ROSTER_MAX_ITEMS,
    maxBytes: config.ROSTER_MAX_BYTES,
    maxGroups: config.ROSTER_MAX_GROUPS,
    maxNameBytes: config.ROSTER_MAX_NAME_BYTES,
  },
  blocklistLimits: { maxItems: config.BLOCKLIST_MAX_ITEMS, maxBytes: config.BLOCKLIST_MAX_BYTES },
  offlineMaxMessages: config.OFFLINE_MAX_MESSAGES,
  offlineMaxBytes: config.OFFLINE_MAX_BYTES,
  cacheBytes: config.ROSTER_CACHE_MB,
});
await service.start();
signalReady({ service: 'roster-sync' });
logger.info({ namespace: config.GATEHOUSE_NAMESPACE, domain: config.XMPP_DOMAIN, external: config.ROSTER_HTTP_URL !== undefined }, 'ready');
runUntilSignal(async () => {
  await service.stop();
  await nc.drain();
  await telemetry.shutdown();
}, logger);
