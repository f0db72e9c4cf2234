import type { GatehouseEvent } from '@gatehouse/events';
import { recordFor, type IntakeDeps } from './intake-deps.ts';

/**
 * Account events (accounts stream) told to each client of the account: a password change
 * ends the access its earlier password logins gave (docs/client-management.md); a deletion ends
 * every client record. The account's clients are read from the stream when the event is
 * handled; clients created later learn of both from the account's history (new-client.ts).
 */
export async function handleAccountEvent(event: GatehouseEvent, deps: IntakeDeps): Promise<void> {
  const record = recordFor(deps, event);
  const at = event.time;
  switch (event.type) {
    case 'gatehouse.account.password-changed.v1': {
      const { jid } = event.data;
      return deps.lock.run(jid, async () => {
        for (const [clientId, state] of await deps.clientsOf(jid)) {
          if (state.status !== 'unknown') await record({ type: 'RecordPasswordChange', jid, clientId, at });
        }
      });
    }
    case 'gatehouse.account.deleted.v1': {
      const { jid } = event.data;
      return deps.lock.run(jid, async () => {
        for (const [clientId, state] of await deps.clientsOf(jid)) {
          if (state.status !== 'unknown') await record({ type: 'ForgetClient', jid, clientId, at, reason: 'account-deleted' });
        }
      });
    }
    default:
      return;
  }
}
