import type { ScramCredentials } from '@gatehouse/events';
import { deriveScramCredential } from '@gatehouse/xmpp';
import { BadRequestError } from '@gatehouse/bus';

/**
 * Both SCRAM credentials for a password, each with its own random salt. The password
 * goes no further than this function: events, state and logs only ever see the keys.
 */
export function deriveCredentials(password: string, iterations: number): ScramCredentials {
  try {
    return {
      'SCRAM-SHA-1': deriveScramCredential(password, 'SCRAM-SHA-1', { iterations }),
      'SCRAM-SHA-256': deriveScramCredential(password, 'SCRAM-SHA-256', { iterations }),
    };
  } catch (error) {
    // SASLprep (RFC 4013) refuses some characters; a client could never log in with them.
    throw new BadRequestError('the password contains characters SASLprep (RFC 4013) prohibits', { cause: error });
  }
}
