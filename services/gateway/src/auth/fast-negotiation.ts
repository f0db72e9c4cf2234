/**
 * FAST token logins (XEP-0484) with the HT mechanisms of draft-schmaus-kitten-sasl-ht:
 * one round trip, `authcid NUL HMAC(token, "Initiator" ‖ cb-data)`. The proof is checked
 * by the token service, which alone can recompute tokens.
 */
import { SaslFailure, tryParseJid } from '@gatehouse/xmpp';
import type { FastMechanism, TokenClient } from './token-client.ts';
import type { SaslStep } from './sasl-negotiation.ts';

export const FAST_MECHANISMS: readonly FastMechanism[] = ['HT-SHA-256-NONE', 'HT-SHA-256-ENDP'];

export function isFastMechanism(mechanism: string): mechanism is FastMechanism {
  return (FAST_MECHANISMS as readonly string[]).includes(mechanism);
}

export interface FastAttempt {
  mechanism: FastMechanism;
  initialResponse: Buffer;
  clientId: string;
  /** tls-server-end-point data for -ENDP (RFC 5929 §4); absent on other mechanisms. */
  channelBinding?: Buffer;
  count?: number;
}

export type FastStep = (SaslStep & { kind: 'success' | 'failure' }) & { rotate?: boolean; reason?: string };

export async function authenticateFast(domain: string, tokens: TokenClient, attempt: FastAttempt): Promise<FastStep> {
  const separator = attempt.initialResponse.indexOf(0);
  if (separator <= 0 || separator === attempt.initialResponse.length - 1) {
    return { kind: 'failure', condition: 'malformed-request', text: 'expected authcid NUL proof' };
  }
  const username = attempt.initialResponse.subarray(0, separator).toString('utf8');
  const parsed = tryParseJid(`${username}@${domain}`);
  if (!parsed?.local || parsed.resource) return { kind: 'failure', condition: 'not-authorized', username, reason: 'token-unknown' };
  const jid = `${parsed.local}@${parsed.domain}`;
  try {
    const { responderProof, rotate } = await tokens.verifyFast({
      jid,
      clientId: attempt.clientId,
      mechanism: attempt.mechanism,
      initiatorProof: attempt.initialResponse.subarray(separator + 1).toString('base64'),
      cbData: attempt.channelBinding?.toString('base64'),
      count: attempt.count,
    });
    return { kind: 'success', jid, data: Buffer.from(responderProof, 'base64'), rotate };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // The token service starts its messages with the reason (token-expired, token-revoked, ...).
    const reason = error instanceof Error ? /^[a-z-]+/.exec(error.message)?.[0] : undefined;
    if (code === 'credentials-expired') return { kind: 'failure', condition: 'credentials-expired', username, reason: reason ?? 'token-expired' };
    if (code === 'not-authorized') return { kind: 'failure', condition: 'not-authorized', username, reason: reason ?? 'token-unknown' };
    if (code === 'bad-request') return { kind: 'failure', condition: 'malformed-request', username };
    if (code === 'unavailable') return { kind: 'failure', condition: 'temporary-auth-failure', username, reason: 'token-service-unavailable' };
    if (error instanceof SaslFailure) return { kind: 'failure', condition: error.condition, username };
    throw error;
  }
}
