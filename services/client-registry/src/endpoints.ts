import type { Endpoints } from '@gatehouse/bus';
import { revocationReasonSchema } from '@gatehouse/events';
import { z } from 'zod';
import { parsePayload as parse } from '@gatehouse/bus';
import { accountJid } from '@gatehouse/xmpp';
import type { RevokeRequest } from './revoke/revoke.ts';

const schemas = {
  revoke: z
    .object({
      // RFC 7622 caps each JID part at 1023 bytes; these bounds only stop absurd payloads early.
      jid: z.string().min(1).max(3071),
      /** Any string: one that names no client is item-not-found, as the XMPP protocol answers. */
      id: z.string().max(2048),
      reason: revocationReasonSchema.optional(),
    })
    .strict(),
};

export interface EndpointDeps {
  /** The XMPP domain served: accounts of any other are refused with `host-unknown`. */
  domain: string;
  revoke(request: RevokeRequest): Promise<void>;
}

/**
 * The client-registry service API (docs/architecture.md). `jid` is the account acted for:
 * the gateway passes the user it authenticated (so a user reaches only their own
 * clients), the admin API the account named in its URL.
 */
export function clientEndpoints({ domain, revoke }: EndpointDeps): Endpoints {
  return {
    'client.revoke': async (payload) => {
      const request = parse(schemas.revoke, payload);
      await revoke({ jid: accountJid(request.jid, domain), id: request.id, reason: request.reason ?? 'revoked-by-user' });
      return {};
    },
  };
}
