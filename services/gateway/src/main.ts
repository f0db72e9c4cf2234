import { loadConfig } from '@gatehouse/config';
import { connectBus } from '@gatehouse/bus';
import { createLogger, runUntilSignal, signalReady, startTelemetry } from '@gatehouse/telemetry';
import { gatewayConfigSchema } from './config.ts';
import { createGateway } from './gateway.ts';
import { loadSecureContext } from './tls/index.ts';

const config = loadConfig(gatewayConfigSchema);
const logger = createLogger(`gateway:${config.GATEWAY_REPLICA_ID}`, config.LOG_LEVEL);
const telemetry = startTelemetry('gatehouse-gateway');
const certificate = await loadSecureContext({
  certFile: config.TLS_CERT_FILE,
  keyFile: config.TLS_KEY_FILE,
  dataDir: config.GATEHOUSE_DATA_DIR,
  domain: config.XMPP_DOMAIN,
});
if (certificate.generated) logger.info({ certFile: certificate.certFile }, 'generated a self-signed certificate');
const nc = await connectBus({ url: config.NATS_URL, name: `gatehouse-gateway-${config.GATEWAY_REPLICA_ID}`, logger });
const gateway = createGateway({ nc, settings: config, tls: certificate.tls, logger });
const ports = await gateway.start();
signalReady({ service: 'gateway', replica: gateway.replica, ports });
logger.info({ ports }, 'ready');
runUntilSignal(async () => {
  await gateway.stop();
  await nc.drain();
  await telemetry.shutdown();
}, logger);
