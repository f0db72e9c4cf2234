import { catalogEndpoints } from '@gatehouse/bus';
import { accountJid } from '@gatehouse/xmpp';
import type { RevokeRequest } from './revoke/revoke.ts';

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
export function clientEndpoints({ domain, revoke }: EndpointDeps) {
  return catalogEndpoints('clients', {
    'client.revoke': async (request) => {
      await revoke({ jid: accountJid(request.jid, domain), id: request.id, reason: request.reason ?? 'revoked-by-user' });
      return {};
    },
  });
}
