/** The command line itself is wrong: the user gets the message and the usage text. */
export class UsageError extends Error {
  readonly code = 'usage';
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = 'UsageError';
  }
}
