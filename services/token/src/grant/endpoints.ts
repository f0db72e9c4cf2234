import type { Endpoints } from '@gatehouse/bus';
import { clientIdSchema, revocationReasonSchema, userAgentSchema } from '@gatehouse/events';
import { z } from 'zod';
import { passwordChangedAt, recordGrant, revokeClient, tokenFacts, type Access } from '../access.ts';
import { voidReason } from '../fast/decide.ts';
import type { FastTokenSlot } from '../fast/fast-token.ts';
import { accountJid } from '@gatehouse/xmpp';
import { parsePayload as parse } from '@gatehouse/bus';
import { liveGrant } from './grant.ts';

const jid = z.string().min(1).max(3071);

const schemas = {
  record: z.object({ jid, clientId: clientIdSchema, authenticatedBy: z.enum(['password', 'fast']), userAgent: userAgentSchema.optional() }),
  list: z.object({ jid }),
  revoke: z.object({ jid, clientId: clientIdSchema, reason: revocationReasonSchema }),
};

/** One client with access, as grant.list reports it: no token, only ids and times. */
export interface GrantListing {
  clientId: string;
  grantId: string;
  createdAt: string;
  authenticatedBy: 'password' | 'fast';
  userAgent?: z.output<typeof userAgentSchema>;
  lastUsedAt: string;
  lastUsedBy: 'password' | 'fast';
  fastTokens: { tokenId: string; mechanism: string; issuedAt: string; expiresAt: string }[];
}

/** Grants: which clients may use an account (mod_tokenauth grants, mod_client_management's list). */
export function grantEndpoints(access: Access): Endpoints {
  const { domain } = access;
  return {
    'grant.record': async (payload) => {
      const request = parse(schemas.record, payload);
      const key = { jid: accountJid(request.jid, domain), clientId: request.clientId };
      return recordGrant(access, key, request.authenticatedBy, request.userAgent);
    },
    'grant.list': async (payload) => {
      const account = accountJid(parse(schemas.list, payload).jid, domain);
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
    'grant.revoke': async (payload) => {
      const request = parse(schemas.revoke, payload);
      await revokeClient(access, { jid: accountJid(request.jid, domain), clientId: request.clientId }, request.reason);
      return {};
    },
  };
}
