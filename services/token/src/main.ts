import { connectBus, ensureStreams } from '@gatehouse/bus';
import { loadConfig } from '@gatehouse/config';
import { createLogger, runUntilSignal, signalReady, startTelemetry } from '@gatehouse/telemetry';
import { tokenConfigSchema } from './config.ts';
import { createTokenService } from './service.ts';

const config = loadConfig(tokenConfigSchema);
const logger = createLogger('token', config.LOG_LEVEL);
const telemetry = startTelemetry('token');
const nc = await connectBus({ url: config.NATS_URL, name: 'token', logger });
await ensureStreams(nc, config.GATEHOUSE_NAMESPACE, { limits: config, logger });
const service = createTokenService({
  nc,
  ns: config.GATEHOUSE_NAMESPACE,
  domain: config.XMPP_DOMAIN,
  logger,
  iterations: config.SCRAM_ITERATIONS,
  fastTokenLifetimeS: config.FAST_TOKEN_LIFETIME_S,
  fastTokenRotateAfterS: config.FAST_TOKEN_ROTATE_AFTER_S,
  maxClientsPerAccount: config.TOKEN_MAX_CLIENTS_PER_ACCOUNT,
  cacheBytes: config.TOKEN_CACHE_MB,
});
await service.start();
signalReady({ service: 'token' });
logger.info({ namespace: config.GATEHOUSE_NAMESPACE, domain: config.XMPP_DOMAIN }, 'ready');
runUntilSignal(async () => {
  await service.stop();
  await nc.drain();
  await telemetry.shutdown();
}, logger);
