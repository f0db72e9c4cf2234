/**
 * The environment `gatehouse start` gives each process (cli/src/start/launch.ts): the
 * stack's own (stackEnv, as the bench stack has it), the TLS files it made, the database
 * for projections, and each gateway replica's id and ports, replica i 100 ports above 0.
 */
import { stackEnv, type StackEnvInput } from '../servers/gatehouse.ts';
import type { ServiceName } from './options.ts';

export interface ServiceEnvInput extends StackEnvInput {
  tls: { certFile: string; keyFile: string };
}

export function serviceEnv(input: ServiceEnvInput, service: ServiceName, replica = 0): NodeJS.ProcessEnv {
  const shared = { ...stackEnv(input), TLS_CERT_FILE: input.tls.certFile, TLS_KEY_FILE: input.tls.keyFile };
  if (service === 'projections') return { ...shared, DATABASE_URL: input.databaseUrl, GATEHOUSE_PGLITE_DIR: undefined };
  if (service !== 'gateway') return shared;
  const base = input.base + 100 * replica;
  return {
    ...shared,
    GATEWAY_REPLICA_ID: `gw${replica}`,
    C2S_PORT: String(base),
    C2S_TLS_PORT: String(base + 1),
    HTTP_PORT: String(base + 58),
    ADMIN_HTTP_PORT: String(base + 59),
  };
}

/** Replica i's direct TLS port under this plan. */
export const gatewayTlsPort = (base: number, replica: number) => base + 100 * replica + 1;
