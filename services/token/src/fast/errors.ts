/**
 * Why a FAST login failed, for the gateway's `authentication-failed` event. Each error's
 * message starts with it (`token-expired: ...`); the code is the SASL condition.
 */
export type FastFailureReason = 'token-unknown' | 'token-replayed' | 'token-expired' | 'token-revoked';

/** RFC 6120 §6.5.10 not-authorized: nothing this client holds matches the proof. */
export class FastNotAuthorizedError extends Error {
  readonly code = 'not-authorized';
  constructor(
    readonly reason: Extract<FastFailureReason, 'token-unknown' | 'token-replayed'>,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'FastNotAuthorizedError';
  }
}

/**
 * RFC 6120 §6.5.2 credentials-expired: the proof matches a token the server no longer
 * trusts. XEP-0484 §4.2 asks for exactly this, so the client drops the token and
 * logs in with its password on the same stream.
 */
export class FastCredentialsExpiredError extends Error {
  readonly code = 'credentials-expired';
  constructor(
    readonly reason: Extract<FastFailureReason, 'token-expired' | 'token-revoked'>,
    detail: string,
    /** For a token still in its slot: what voids it (fast-token.ts voidReason). */
    readonly voidedBy?: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'FastCredentialsExpiredError';
  }
}
