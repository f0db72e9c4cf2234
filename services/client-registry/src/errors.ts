/** Revoking for an account that does not exist (the admin API names any JID). */
export class AccountNotFoundError extends Error {
  readonly code = 'account-not-found';
  constructor(readonly jid: string) {
    super(`${jid} does not exist`);
    this.name = 'AccountNotFoundError';
  }
}

/**
 * The client logged in with the password (docs/client-management.md, XEP-0494 §3.2): its sessions
 * are closed and its grant and tokens revoked, but it can log in again until the password
 * changes. Thrown after all of that took effect.
 */
export class PasswordResetRequiredError extends Error {
  readonly code = 'password-reset-required';
  constructor(
    readonly jid: string,
    readonly clientId: string,
  ) {
    super('Password reset required');
    this.name = 'PasswordResetRequiredError';
  }
}
