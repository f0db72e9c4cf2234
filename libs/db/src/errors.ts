export class MigrationError extends Error {
  readonly code = 'migration-failed';
  constructor(
    readonly migration: string | undefined,
    options?: ErrorOptions,
  ) {
    super(`database migration ${migration ?? '(setup)'} failed`, options);
    this.name = 'MigrationError';
  }
}
