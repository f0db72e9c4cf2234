export { createGateway, type Gateway, type GatewayPorts, type GatewaySettings } from './gateway.ts';
export { gatewayConfigSchema, type GatewayConfig } from './config.ts';
export { ensureCertificate, loadSecureContext } from './tls/index.ts';
