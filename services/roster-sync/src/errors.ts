/*
 * The service's refusals. Each carries a machine `code` that @gatehouse/bus sends in
 * `{ ok: false, error: { code } }`; the gateway maps codes to XMPP stanza errors.
 */

abstract class CodedError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A payload that does not match the endpoint's schema, or a roster set RFC 6121 §2.3.3 rejects. */
export { BadRequestError } from '@gatehouse/bus';

/** RFC 6121 §2.3.3 not-acceptable: e.g. an empty group name. */
export class NotAcceptableError extends CodedError {
  readonly code = 'not-acceptable';
}

/** Refused by policy: the roster is external (mod_http_roster_admin), or the item is the owner. */
export class NotAllowedError extends CodedError {
  readonly code = 'not-allowed';
}

/** RFC 6121 §2.5.3: removing a contact that is not on the roster. */
export class ItemNotFoundError extends CodedError {
  readonly code = 'item-not-found';
}

/** The roster or the offline store is full. */
export class ResourceConstraintError extends CodedError {
  readonly code = 'resource-constraint';
}

/** XEP-0012: the requester may not see the account's presence, so not its activity either. */
export class ForbiddenError extends CodedError {
  readonly code = 'forbidden';
}

/** The external web app could not give a usable roster: down, slow, or garbage. */
export class RosterFetchError extends CodedError {
  readonly code = 'roster-fetch-failed';
}
