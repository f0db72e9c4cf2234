import { createHmac } from 'node:crypto';
import type { ScramCredential } from '@gatehouse/events';
import type { ScramMechanism } from '@gatehouse/xmpp';

/** Key sizes are the mechanism's hash output (RFC 5802 §3: StoredKey = H(ClientKey)). */
const keyBytes: Record<ScramMechanism, number> = { 'SCRAM-SHA-1': 20, 'SCRAM-SHA-256': 32 };

/** Same size as the salts `deriveScramCredential` makes, so the two cannot be told apart. */
const saltLength = 16;

/**
 * A credential for an account that does not exist. RFC 5802 §9: a server should not
 * reveal whether a user exists, so the gateway runs the same exchange against this and
 * fails at the proof. It must be stable (a second attempt must see the same salt) and
 * unpredictable without `secret`, hence HMACs of the JID under a per-deployment key.
 */
export function fakeCredential(secret: Uint8Array, mechanism: ScramMechanism, jid: string, iterations: number): ScramCredential {
  const mac = (label: string) => createHmac('sha256', secret).update(`${label}${mechanism}${jid}`).digest();
  return {
    salt: mac('').subarray(0, saltLength).toString('base64'),
    iterations,
    storedKey: mac('stored-key:').subarray(0, keyBytes[mechanism]).toString('base64'),
    serverKey: mac('server-key:').subarray(0, keyBytes[mechanism]).toString('base64'),
  };
}
