/**
 * One SCRAM credential pair (RFC 5802 §3: salt, iterations, StoredKey, ServerKey) reused
 * for every seeded account. The token service derives a fresh one per account with PBKDF2
 * at 4,096 iterations (RFC 7677 §4), a few milliseconds each for SHA-1 and SHA-256: a
 * million accounts would take over an hour of CPU for data whose only use is to exist.
 * The services never compare salts across accounts, so sharing one changes nothing they
 * do; the load client still derives keys per account (its cache is keyed by user).
 */
import type { ScramCredentials } from '@gatehouse/events';
import { deriveScramCredential } from '@gatehouse/xmpp';

export const SEED_PASSWORD = 'seed-password';
const ITERATIONS = 4096;

export function seedCredentials(): ScramCredentials {
  return {
    'SCRAM-SHA-1': deriveScramCredential(SEED_PASSWORD, 'SCRAM-SHA-1', { iterations: ITERATIONS }),
    'SCRAM-SHA-256': deriveScramCredential(SEED_PASSWORD, 'SCRAM-SHA-256', { iterations: ITERATIONS }),
  };
}
