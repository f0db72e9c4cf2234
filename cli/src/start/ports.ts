import { ConfigError } from '@gatehouse/config';

export interface GatewayPlan {
  /** GATEWAY_REPLICA_ID: unique per replica, stable across restarts. */
  replica: string;
  c2s: number;
  c2sTls: number;
  http: number;
  /** The admin listener (admin API, /roster_admin, /metrics), loopback by default. */
  admin: number;
}

/** Replica i is 100 ports above replica 0, so each protocol keeps its familiar last digits. */
export const REPLICA_PORT_STEP = 100;

const BASES = { C2S_PORT: 5222, C2S_TLS_PORT: 5223, HTTP_PORT: 5280, ADMIN_HTTP_PORT: 5281 } as const;

/**
 * Ports of every replica. C2S_PORT, C2S_TLS_PORT, HTTP_PORT and ADMIN_HTTP_PORT, when set, move replica 0
 * (tests use that to stay off the real 5222).
 */
export function planGateways(count: number, env: Record<string, string | undefined>): GatewayPlan[] {
  const problems: string[] = [];
  const base = (name: keyof typeof BASES) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return BASES[name];
    const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
    const highest = port + REPLICA_PORT_STEP * (count - 1);
    if (!(port >= 1 && highest <= 65535)) problems.push(`${name}: ${raw} leaves no valid port for ${count} replica(s)`);
    return port;
  };
  const c2s = base('C2S_PORT');
  const c2sTls = base('C2S_TLS_PORT');
  const http = base('HTTP_PORT');
  const admin = base('ADMIN_HTTP_PORT');
  if (problems.length > 0) throw new ConfigError(problems);
  return Array.from({ length: count }, (_, i) => ({
    replica: `gw${i}`,
    c2s: c2s + REPLICA_PORT_STEP * i,
    c2sTls: c2sTls + REPLICA_PORT_STEP * i,
    http: http + REPLICA_PORT_STEP * i,
    admin: admin + REPLICA_PORT_STEP * i,
  }));
}
