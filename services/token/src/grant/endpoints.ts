import { catalogEndpoints } from '@gatehouse/bus';
import type { GrantListing } from '@gatehouse/events';
import { passwordChangedAt, recordGrant, revokeClient, tokenFacts, type Access } from '../access.ts';
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
      const changedAt = passwordChangedAt(access, account);
      const now = access.clock();
      const grants: GrantListing[] = [];
      for (const clientId of access.grants.clientsOf(account)) {
        const key = { jid: account, clientId };
        const grant = liveGrant(access.grants.get(key).state, changedAt);
        if (!grant) continue;
        const facts = tokenFacts(access, key);
        const { current, next } = access.tokens.get(key).state;
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
