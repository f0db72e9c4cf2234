import { connectBus, ensureStreams } from '@gatehouse/bus';
import { loadConfig } from '@gatehouse/config';
import { createLogger, runUntilSignal, signalReady, startTelemetry } from '@gatehouse/telemetry';
import { clientRegistryConfigSchema } from './config.ts';
import { createClientRegistryService } from './service.ts';

const config = loadConfig(clientRegistryConfigSchema);
const logger = createLogger('client-registry', config.LOG_LEVEL);
const telemetry = startTelemetry('client-registry');
const nc = await connectBus({ url: config.NATS_URL, name: 'client-registry', logger });
await ensureStreams(nc, config.GATEHOUSE_NAMESPACE, { limits: config, logger });
const service = createClientRegistryService({
  nc,
  ns: config.GATEHOUSE_NAMESPACE,
  domain: config.XMPP_DOMAIN,
  logger,
  enforceClientIds: config.ENFORCE_CLIENT_IDS,
  maxClientsPerAccount: config.CLIENT_REGISTRY_MAX_CLIENTS_PER_ACCOUNT,
  cacheBytes: config.CLIENT_REGISTRY_CACHE_MB,
});
await service.start();
signalReady({ service: 'client-registry' });
logger.info({ namespace: config.GATEHOUSE_NAMESPACE, domain: config.XMPP_DOMAIN, enforceClientIds: config.ENFORCE_CLIENT_IDS }, 'ready');
runUntilSignal(async () => {
  await service.stop();
  await nc.drain();
  await telemetry.shutdown();
}, logger);
