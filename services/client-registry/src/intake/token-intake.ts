import type { GatehouseEvent } from '@gatehouse/events';
import { keepWithinLimit, madeKnown } from './client-limit.ts';
import { cleanUserAgent, recordFor, type IntakeDeps } from './intake-deps.ts';
import { recordMaybeNew } from './new-client.ts';

/**
 * Grant and FAST token events (tokens stream) as client facts: whether the client holds
 * a live grant and valid tokens is what `<grant/>` and `<fast/>` report (docs/client-management.md).
 * A use needs no fact of its own: the login it made is session.established. Since catalog v2
 * nothing restates a grant's use (grant.used, which history may still hold, is left unread).
 */
export async function handleTokenEvent(event: GatehouseEvent, deps: IntakeDeps): Promise<void> {
  const record = recordFor(deps, event);
  const at = event.time;
  switch (event.type) {
    case 'gatehouse.grant.created.v1': {
      const { jid, clientId, grantId, authenticatedBy } = event.data;
      const userAgent = cleanUserAgent(event.data.userAgent);
      return deps.lock.run(jid, async () => {
        const outcome = await recordMaybeNew(deps, event.id, { type: 'RecordGrant', jid, clientId, at, grantId, authenticatedBy, ...(userAgent ? { userAgent } : {}) });
        await keepWithinLimit(deps, record, { jid, keep: clientId, at, added: madeKnown(outcome) });
      });
    }
    case 'gatehouse.grant.revoked.v1': {
      const { jid, clientId, grantId, reason } = event.data;
      return deps.lock.run(jid, async () => {
        await record({ type: 'RecordGrantRevocation', jid, clientId, at, grantId, reason });
        await keepWithinLimit(deps, record, { jid, at, added: false });
      });
    }
    case 'gatehouse.fast-token.issued.v1':
    case 'gatehouse.fast-token.rotated.v1': {
      const { jid, clientId, tokenId, expiresAt } = event.data;
      return deps.lock.run(jid, async () => void (await record({ type: 'RecordFastToken', jid, clientId, at, tokenId, expiresAt })));
    }
    case 'gatehouse.fast-token.invalidated.v1': {
      const { jid, clientId, tokenId } = event.data;
      return deps.lock.run(jid, async () => void (await record({ type: 'RecordFastTokenInvalidation', jid, clientId, at, tokenId })));
    }
    default:
      return;
  }
}
