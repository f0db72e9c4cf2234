/** The first connection to NATS failed; nothing can work without the bus. */
export class BusUnavailableError extends Error {
  readonly code = 'bus-unavailable';
  constructor(url: string, options?: ErrorOptions) {
    super(
      `NATS is not reachable at ${url}: start a NATS server with JetStream (nats-server -js) ` +
        'or set NATS_URL to one that runs',
      options,
    );
    this.name = 'BusUnavailableError';
  }
}

/** Optimistic concurrency: the aggregate changed since it was read. Re-read, re-decide, retry. */
export class WrongExpectedSequenceError extends Error {
  readonly code = 'wrong-expected-sequence';
  constructor(
    readonly subject: string,
    readonly expected: number,
    options?: ErrorOptions,
  ) {
    super(`${subject} is no longer at sequence ${expected}`, options);
    this.name = 'WrongExpectedSequenceError';
  }
}

/** A service answered `{ ok: false }`: `code` is the service's machine code. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ServiceError';
  }
}

/** Nothing answered: no responders, or no reply before the timeout. */
export class ServiceUnavailableError extends ServiceError {
  constructor(subject: string, options?: ErrorOptions) {
    super('unavailable', `no service answered on ${subject}`, options);
    this.name = 'ServiceUnavailableError';
  }
}

/**
 * A stream that refuses new events (discard new) because it holds its configured maximum
 * of events: an aggregate stream never drops old events to make room (ensureStreams).
 */
export class StreamFullError extends Error {
  readonly code = 'stream-full';
  constructor(
    readonly subject: string,
    options?: ErrorOptions,
  ) {
    super(`the stream of ${subject} is full: new events are refused until STREAM_AGGREGATES_MAX_MSGS is raised`, options);
    this.name = 'StreamFullError';
  }
}
