import { catalogEndpoints } from '@gatehouse/bus';
import type { GrantListing } from '@gatehouse/events';
import { passwordChangedAt, recordGrant, revokeClient, type Access } from '../access.ts';
import { voidReason } from '../fast/decide.ts';
import type { FastTokenSlot } from '../fast/fast-token.ts';
import { accountJid } from '@gatehouse/xmpp';
import { liveGrant } from './grant.ts';

/** Grants: which clients may use an account (mod_tokenauth grants, mod_client_management's list). */
export function grantEndpoints(access: Access) {
  const { domain } = access;
  return catalogEndpoints('token', {
    'grant.record': async (request) => {
      const key = { jid: accountJid(request.jid, domain), clientId: request.clientId };
      return recordGrant(access, key, request.authenticatedBy, request.userAgent);
    },
    'grant.list': async (request) => {
      const account = accountJid(request.jid, domain);
      // The account's grants and tokens as stored now, each one wildcard read of the stream.
      const [changedAt, grantStates, tokenStates] = await Promise.all([passwordChangedAt(access, account), access.grantsOf(account), access.tokensOf(account)]);
      const now = access.clock();
      const grants: GrantListing[] = [];
      for (const [clientId, state] of grantStates) {
        const grant = liveGrant(state, changedAt);
        if (!grant) continue;
        const facts = { ...(changedAt === undefined ? {} : { passwordChangedAt: changedAt }), grantId: grant.grantId };
        const { current, next } = tokenStates.get(clientId) ?? { current: undefined, next: undefined };
        const fastTokens = [current, next]
          .filter((slot): slot is FastTokenSlot => slot !== undefined && voidReason(slot, facts, now) === undefined)
          .map(({ tokenId, mechanism, issuedAt, expiresAt }) => ({ tokenId, mechanism, issuedAt, expiresAt }));
        const { grantId, createdAt, authenticatedBy, userAgent } = grant;
        const { lastUsedAt, lastUsedBy } = access.uses.lastUse(account, clientId, grant);
        grants.push({ clientId, grantId, createdAt, authenticatedBy, ...(userAgent ? { userAgent } : {}), lastUsedAt, lastUsedBy, fastTokens });
      }
      grants.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.clientId.localeCompare(b.clientId));
      return { grants };
    },
    'grant.revoke': async (request) => {
      await revokeClient(access, { jid: accountJid(request.jid, domain), clientId: request.clientId }, request.reason);
      return {};
    },
  });
}
