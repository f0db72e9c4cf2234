import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { randomId } from '../random-id.ts';

/*
 * FAST tokens are never stored. Prosody keeps them in clear (mod_sasl2_fast) because the
 * HT mechanisms are HMACs keyed with the token itself, so a server must hold the token to
 * check a proof; a hash would not do. Here the token is *derived*:
 *
 *   token = base64url(tokenId ‖ HMAC-SHA-256(tokenKey, tokenId))
 *
 * with tokenId random and public (it is in the events) and tokenKey a 32-byte secret
 * created once per namespace in the secrets bucket. To check a proof the service
 * recomputes the token from its id. The streams therefore hold nothing a client could log
 * in with: whoever reads them without the key learns only ids and SHA-256 hashes.
 */

/** A fresh token id: 128 random bits, base64url (22 characters). */
export const newTokenId = randomId;

/** The token string of an id; the same on every replica that holds the key. */
export function fastTokenFor(tokenKey: Uint8Array, tokenId: string): string {
  const id = Buffer.from(tokenId, 'base64url');
  return Buffer.concat([id, createHmac('sha256', tokenKey).update(id).digest()]).toString('base64url');
}

/** Hex SHA-256 of the token string: what events carry to identify a token. */
export function fastTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * draft-schmaus-kitten-sasl-ht §3: HMAC-SHA-256 keyed with the token (as UTF-8, as
 * xmpp.js `@xmpp/sasl-ht-sha-256-none` does) over "Initiator" or "Responder" followed by
 * the channel-binding data (empty for -NONE).
 */
export function htProof(token: string, role: 'Initiator' | 'Responder', cbData: Uint8Array): Buffer {
  return createHmac('sha256', Buffer.from(token, 'utf8')).update(role, 'utf8').update(cbData).digest();
}

/** Constant-time comparison (XEP-0484 §6, §5.1); only the fixed length is compared openly. */
export function sameProof(expected: Uint8Array, given: Uint8Array): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}
