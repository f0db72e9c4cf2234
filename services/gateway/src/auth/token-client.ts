import type { NatsConnection } from '@nats-io/transport-node';
import { serviceCaller } from '@gatehouse/bus';
import type { ReplyOf, RequestOf } from '@gatehouse/events';

export type { UserAgent } from '@gatehouse/events';

export type FastMechanism = RequestOf<'token.fast.verify'>['mechanism'];

/**
 * The token service's side of SASL2/FAST (XEP-0484): the gateway keeps no token state,
 * it only forwards proofs and hands out what the service issues.
 */
export interface TokenClient {
  verifyFast(req: RequestOf<'token.fast.verify'>): Promise<ReplyOf<'token.fast.verify'>>;
  issueFast(req: RequestOf<'token.fast.issue'>): Promise<ReplyOf<'token.fast.issue'>>;
  invalidateFast(req: RequestOf<'token.fast.invalidate'>): Promise<void>;
  recordGrant(req: RequestOf<'token.grant.record'>): Promise<ReplyOf<'token.grant.record'>>;
}

export function tokenServiceClient(nc: NatsConnection, ns: string, timeoutMs = 3_000): TokenClient {
  const token = serviceCaller(nc, ns, 'token', { timeoutMs });
  return {
    verifyFast: (req) => token('fast.verify', req),
    issueFast: (req) => token('fast.issue', req),
    invalidateFast: async (req) => {
      await token('fast.invalidate', req);
    },
    recordGrant: (req) => token('grant.record', req),
  };
}
