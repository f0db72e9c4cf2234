import { call, callAll, type NatsConnection } from '@gatehouse/bus';
import type { Names } from '@gatehouse/events';
import type { ClientEntry } from './client-management.ts';

/**
 * The two services behind client management: the listing is read from the projections
 * service (so it answers while client-registry restarts), revocation is decided by
 * client-registry. Both reject with the service's coded ServiceError
 * (`unavailable` when nothing answers), which client-management.ts and admin-api.ts map.
 */
export function clientServices(nc: NatsConnection, names: Names, timeoutMs = 5_000) {
  return {
    list: async (jid: string): Promise<ClientEntry[]> => (await callAll(nc, names.namespace, 'projections.clients.list', { jid }, { timeoutMs })).items,
    /** `reason`: `revoked-by-user` from XMPP, `revoked-by-admin` from the admin API. */
    revoke: async (jid: string, id: string, reason: 'revoked-by-user' | 'revoked-by-admin' = 'revoked-by-user'): Promise<void> => {
      await call(nc, names.namespace, 'clients.client.revoke', { jid, id, reason }, { timeoutMs });
    },
  };
}
