/** A request whose payload does not match the endpoint's schema. */
export class BadRequestError extends Error {
  readonly code = 'bad-request';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BadRequestError';
  }
}

/** An account JID on a domain this deployment does not serve (RFC 6120 §4.9.3.6 `host-unknown`). */
export class HostUnknownError extends Error {
  readonly code = 'host-unknown';
  constructor(
    readonly domain: string,
    readonly served: string,
  ) {
    super(`this server serves ${served}, not ${domain}`);
    this.name = 'HostUnknownError';
  }
}
