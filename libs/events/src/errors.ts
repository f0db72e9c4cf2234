/** Bytes or JSON that are not a valid Gatehouse event: bad JSON, envelope, type or data. */
export class MalformedEventError extends Error {
  readonly code = 'malformed-event';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedEventError';
  }
}

/** A value that cannot become, or a token that did not come from, `subjectToken()`. */
export class InvalidSubjectTokenError extends Error {
  readonly code = 'invalid-subject-token';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSubjectTokenError';
  }
}
