import type { NatsConnection } from '@nats-io/transport-node';
import { request } from '@gatehouse/bus';

export type FastMechanism = 'HT-SHA-256-NONE' | 'HT-SHA-256-ENDP';

export interface UserAgent {
  software?: string;
  device?: string;
  uri?: string;
}

/**
 * The token service's side of SASL2/FAST (XEP-0484): the gateway keeps no token state,
 * it only forwards proofs and hands out what the service issues.
 */
export interface TokenClient {
  verifyFast(req: { jid: string; clientId: string; mechanism: FastMechanism; initiatorProof: string; cbData?: string; count?: number }): Promise<{ responderProof: string; rotate: boolean }>;
  issueFast(req: { jid: string; clientId: string; mechanism: FastMechanism; authenticatedBy: 'password' | 'fast' }): Promise<{ token: string; expiry: string }>;
  invalidateFast(req: { jid: string; clientId: string }): Promise<void>;
  recordGrant(req: { jid: string; clientId: string; authenticatedBy: 'password' | 'fast'; userAgent?: UserAgent }): Promise<{ grantId: string; created: boolean }>;
}

export function tokenServiceClient(nc: NatsConnection, tokenGroup: string, timeoutMs = 3_000): TokenClient {
  const call = <T>(endpoint: string, payload: unknown) => request<T>(nc, `${tokenGroup}.${endpoint}`, payload, { timeoutMs });
  return {
    verifyFast: (req) => call('fast.verify', req),
    issueFast: (req) => call('fast.issue', req),
    invalidateFast: async (req) => {
      await call('fast.invalidate', req);
    },
    recordGrant: (req) => call('grant.record', req),
  };
}
