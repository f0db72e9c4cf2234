/**
 * XEP-0484 FAST, the token service's half: the gateway forwards the HT proof and hands
 * out what is issued here; it never holds token state. Mechanisms are those of
 * draft-schmaus-kitten-sasl-ht the gateway offers: HT-SHA-256-NONE, and -ENDP where it
 * has tls-server-end-point channel binding (RFC 5929 §4).
 */
import { BadRequestError, catalogEndpoints } from '@gatehouse/bus';
import type { ParsedRequestOf } from '@gatehouse/events';
import { liveGrantOf, recordGrant, requireAccount, tokenFacts, type Access } from '../access.ts';
import { FastCredentialsExpiredError } from './errors.ts';
import { accountJid } from '@gatehouse/xmpp';
import { fastTokenFor, fastTokenHash, htProof, newTokenId, sameProof } from './token-crypto.ts';

/** An HMAC-SHA-256 output is 32 bytes: 44 base64 characters. */
const PROOF_BYTES = 32;

/** -NONE binds to nothing; -ENDP is meaningless without the certificate hash. */
function channelBinding(request: ParsedRequestOf<'token.fast.verify'>): Buffer {
  const cbData = Buffer.from(request.cbData ?? '', 'base64');
  if (request.mechanism === 'HT-SHA-256-NONE' && cbData.length > 0) {
    throw new BadRequestError('cbData: HT-SHA-256-NONE has no channel binding');
  }
  if (request.mechanism === 'HT-SHA-256-ENDP' && cbData.length === 0) {
    throw new BadRequestError('cbData: HT-SHA-256-ENDP needs tls-server-end-point data');
  }
  return cbData;
}

export function fastEndpoints(access: Access) {
  const { domain, tokenKey, clock } = access;
  return catalogEndpoints('token', {
    'fast.verify': async (request) => {
      const key = { jid: accountJid(request.jid, domain), clientId: request.clientId };
      const proof = Buffer.from(request.initiatorProof, 'base64');
      if (proof.length !== PROOF_BYTES) throw new BadRequestError(`initiatorProof: an HMAC-SHA-256 is ${PROOF_BYTES} bytes`);
      const cbData = channelBinding(request);
      const use = async () =>
        access.tokens.execute(key, {
          type: 'UseFastToken',
          ...key,
          mechanism: request.mechanism,
          ...(request.count === undefined ? {} : { count: request.count }),
          matches: (tokenId) => sameProof(htProof(fastTokenFor(tokenKey, tokenId), 'Initiator', cbData), proof),
          facts: await tokenFacts(access, key),
        });
      // A token issued on another replica a moment ago comes with a grant this replica's
      // cache may not have yet: its token read from the stream would look revoked.
      const { state } = await use().catch(async (error: unknown) => {
        if (!(error instanceof FastCredentialsExpiredError && error.voidedBy === 'grant-revoked')) throw error;
        await access.grants.load(key);
        return use();
      });
      const token = [state.current, state.next].find((slot) => slot?.tokenId === state.lastUsedTokenId);
      if (!token) throw new Error('a FAST login succeeded without a used token');
      access.uses.note(key.jid, key.clientId, token.grantId, 'fast', clock());
      return {
        responderProof: htProof(fastTokenFor(tokenKey, token.tokenId), 'Responder', cbData).toString('base64'),
        // XEP-0484 rotation: past this age the gateway hands out a fresh token unrequested.
        rotate: clock().getTime() - Date.parse(token.issuedAt) >= access.rotateAfterMs,
      };
    },
    'fast.issue': async (request) => {
      const key = { jid: accountJid(request.jid, domain), clientId: request.clientId };
      const changedAt = await requireAccount(access, key.jid);
      // The gateway records the grant first; if it has not, the token still needs one.
      const grantId =
        (await liveGrantOf(access, key, changedAt))?.grantId ?? (await recordGrant(access, key, request.authenticatedBy)).grantId;
      const tokenId = newTokenId();
      const token = fastTokenFor(tokenKey, tokenId);
      const { events } = await access.tokens.execute(key, {
        type: 'IssueFastToken',
        ...key,
        tokenId,
        tokenHash: fastTokenHash(token),
        mechanism: request.mechanism,
        lifetimeMs: access.lifetimeMs,
        facts: { passwordChangedAt: changedAt, grantId },
      });
      const made = events.map(({ event }) => event).find((event) => event.type === 'gatehouse.fast-token.issued.v1' || event.type === 'gatehouse.fast-token.rotated.v1');
      if (!made || !('expiresAt' in made.data)) throw new Error('issuing a FAST token stored no token');
      return { token, expiry: made.data.expiresAt };
    },
    // Only the token of the last successful FAST login, not both slots: a token the same
    // <authenticate> requested may already be in `next`, and must survive (XEP-0484 §3.6).
    'fast.invalidate': async (request) => {
      const key = { jid: accountJid(request.jid, domain), clientId: request.clientId };
      await access.tokens.execute(key, { type: 'InvalidateUsedFastToken', ...key });
      return {};
    },
  });
}
