/**
 * SASL PLAIN (RFC 4616), checked against the SCRAM credential we store (no password is kept).
 *
 *   message = [authzid] NUL authcid NUL passwd
 */
import { timingSafeEqual } from 'node:crypto';
import { SaslFailure } from './errors.ts';
import {
  type ScramCredential,
  type ScramMechanism,
  prepare,
  saltPasswordAsync,
  storedKeyFor,
} from './scram-credential.ts';
import { decodeUtf8, malformed } from './sasl-syntax.ts';

export interface PlainCredentials {
  /** As sent; the caller checks it names the authenticated account. */
  authzid?: string;
  /** SASLprep'd (RFC 4616 §2). */
  username: string;
  /** As sent; {@link verifyPlain} prepares it. */
  password: string;
}

/** Throws `SaslFailure('malformed-request')` unless the message has the RFC 4616 §2 shape. */
export function parsePlain(message: Buffer): PlainCredentials {
  const parts = decodeUtf8(message).split('\0');
  if (parts.length !== 3) throw malformed('PLAIN message needs exactly two NUL separators');
  const [authzid, authcid, password] = parts as [string, string, string];
  if (authcid === '' || password === '') throw malformed('empty username or password');
  let username: string;
  try {
    username = prepare(authcid);
  } catch (err) {
    throw new SaslFailure('malformed-request', 'username fails SASLprep', { cause: err });
  }
  return authzid === '' ? { username, password } : { authzid, username, password };
}

/**
 * Whether `password` matches `cred` (StoredKey compared in constant time). PBKDF2 runs off
 * the event loop, so other sessions go on while it works.
 */
export async function verifyPlain(password: string, cred: ScramCredential, mechanism: ScramMechanism): Promise<boolean> {
  let prepared: string;
  try {
    prepared = prepare(password);
  } catch {
    // A password SASLprep rejects could never have been stored: it cannot match.
    return false;
  }
  const salted = await saltPasswordAsync(mechanism, prepared, Buffer.from(cred.salt, 'base64'), cred.iterations);
  const expected = Buffer.from(cred.storedKey, 'base64');
  const actual = storedKeyFor(mechanism, salted);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
