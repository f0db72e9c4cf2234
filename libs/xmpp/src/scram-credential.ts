/**
 * SCRAM key derivation (RFC 5802 §3, RFC 7677 for SHA-256): what a server stores instead of
 * a password, and how PLAIN checks a password against it.
 *
 *   SaltedPassword = Hi(SASLprep(password), salt, i)      (Hi is PBKDF2 with HMAC-H)
 *   StoredKey      = H(HMAC(SaltedPassword, "Client Key"))
 *   ServerKey      = HMAC(SaltedPassword, "Server Key")
 */
import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { saslprep } from '@mongodb-js/saslprep';

export type ScramMechanism = 'SCRAM-SHA-1' | 'SCRAM-SHA-256';

/** What the server stores for one account and mechanism; binary values in base64. */
export interface ScramCredential {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

export interface DeriveScramOptions {
  /** PBKDF2 rounds; RFC 7677 §4 asks for at least 4096. Default 4096. */
  iterations?: number;
  /** base64; default 16 random bytes. */
  salt?: string;
}

const HASHES: Record<ScramMechanism, { name: 'sha1' | 'sha256'; bytes: number }> = {
  'SCRAM-SHA-1': { name: 'sha1', bytes: 20 },
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
};

export function hashOf(mechanism: ScramMechanism): { name: 'sha1' | 'sha256'; bytes: number } {
  return HASHES[mechanism];
}

export function hmac(mechanism: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(HASHES[mechanism].name, key).update(data).digest();
}

export function digest(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(HASHES[mechanism].name).update(data).digest();
}

/** SASLprep (RFC 4013) as a stored string; throws on prohibited characters. */
export function prepare(text: string): string {
  return saslprep(text);
}

/** StoredKey for a prepared password; PLAIN compares it, SCRAM stores it. */
export function storedKeyFor(mechanism: ScramMechanism, saltedPassword: Buffer): Buffer {
  return digest(mechanism, hmac(mechanism, saltedPassword, 'Client Key'));
}

export function saltPassword(
  mechanism: ScramMechanism,
  preparedPassword: string,
  salt: Buffer,
  iterations: number,
): Buffer {
  const { name, bytes } = HASHES[mechanism];
  return pbkdf2Sync(preparedPassword, salt, iterations, bytes, name);
}

const pbkdf2Async = promisify(pbkdf2);

/**
 * {@link saltPassword} on libuv's thread pool: a server checking a password per login must
 * not stall its event loop for the PBKDF2 rounds (a million of them take ~0.3 s).
 */
export function saltPasswordAsync(
  mechanism: ScramMechanism,
  preparedPassword: string,
  salt: Buffer,
  iterations: number,
): Promise<Buffer> {
  const { name, bytes } = HASHES[mechanism];
  return pbkdf2Async(preparedPassword, salt, iterations, bytes, name);
}

/** Derives the credential to store for `password` (SASLprep'd first; throws if it cannot be). */
export function deriveScramCredential(
  password: string,
  mechanism: ScramMechanism,
  options: DeriveScramOptions = {},
): ScramCredential {
  const iterations = options.iterations ?? 4096;
  const salt = options.salt === undefined ? randomBytes(16) : Buffer.from(options.salt, 'base64');
  const salted = saltPassword(mechanism, prepare(password), salt, iterations);
  return {
    salt: salt.toString('base64'),
    iterations,
    storedKey: storedKeyFor(mechanism, salted).toString('base64'),
    serverKey: hmac(mechanism, salted, 'Server Key').toString('base64'),
  };
}
