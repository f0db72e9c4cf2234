/**
 * XMPP error conditions as registries: one table per layer, the types
 * derived from the tables so a condition cannot be used without being listed.
 *
 * - Stream errors: RFC 6120 §4.9 (conditions §4.9.3); over WebSocket, RFC 7395 §3.3.3/§3.5.
 * - Stanza errors: RFC 6120 §8.3 (conditions §8.3.3, default types as in §8.3.3's examples).
 * - SASL failures: RFC 6120 §6.5.
 *
 * Each error's machine `code` is its XMPP condition, so a log line names what went on the wire.
 */
import { Element } from '@xmpp/xml';
import { NS_STANZAS, NS_STREAM_ERRORS, NS_STREAMS } from './namespaces.ts';
import { definedAttrs } from './xml/attrs.ts';

export const STREAM_ERROR_CONDITIONS = [
  'bad-format', 'bad-namespace-prefix', 'conflict', 'connection-timeout', 'host-gone',
  'host-unknown', 'improper-addressing', 'internal-server-error', 'invalid-from',
  'invalid-namespace', 'invalid-xml', 'not-authorized', 'not-well-formed', 'policy-violation',
  'remote-connection-failed', 'reset', 'resource-constraint', 'restricted-xml',
  'see-other-host', 'system-shutdown', 'undefined-condition', 'unsupported-encoding',
  'unsupported-feature', 'unsupported-stanza-type', 'unsupported-version',
] as const;
export type StreamErrorCondition = (typeof STREAM_ERROR_CONDITIONS)[number];

/** An unrecoverable stream fault (RFC 6120 §4.9.1.1): send the error, then close the stream. */
export class StreamError extends Error {
  override readonly name = 'StreamError';
  readonly code: StreamErrorCondition;
  constructor(
    readonly condition: StreamErrorCondition,
    readonly text?: string,
    options?: ErrorOptions,
  ) {
    super(text === undefined ? condition : `${condition}: ${text}`, options);
    this.code = condition;
  }
}

/**
 * Serialises `<stream:error>`. Over TCP the `stream` prefix is declared by our stream header;
 * a WebSocket message must be a standalone document (RFC 7395 §3.3.3), so it declares it.
 */
export function streamErrorXml(
  condition: StreamErrorCondition,
  text?: string,
  options: { websocket?: boolean } = {},
): string {
  const error = new Element('stream:error', options.websocket ? { 'xmlns:stream': NS_STREAMS } : {});
  error.c(condition, { xmlns: NS_STREAM_ERRORS });
  if (text !== undefined) error.c('text', { xmlns: NS_STREAM_ERRORS, 'xml:lang': 'en' }).t(text);
  return error.toString();
}

export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

/** RFC 6120 §8.3.3 conditions with the type each is usually sent with (checklist 6120-16). */
const STANZA_ERROR_DEFAULT_TYPES = {
  'bad-request': 'modify',
  conflict: 'cancel',
  'feature-not-implemented': 'cancel',
  forbidden: 'auth',
  gone: 'cancel',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  redirect: 'modify',
  'registration-required': 'auth',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'subscription-required': 'auth',
  'undefined-condition': 'cancel',
  'unexpected-request': 'wait',
} as const satisfies Record<string, StanzaErrorType>;
export type StanzaErrorCondition = keyof typeof STANZA_ERROR_DEFAULT_TYPES;

export function defaultErrorType(condition: StanzaErrorCondition): StanzaErrorType {
  return STANZA_ERROR_DEFAULT_TYPES[condition];
}

export interface StanzaErrorOptions {
  /** Defaults to {@link defaultErrorType}. */
  type?: StanzaErrorType;
  /** Human-readable, sent as `<text xml:lang='en'>`. */
  text?: string;
  /** The JID of the entity that generated the error (RFC 6120 §8.3.2 'by'). */
  by?: string;
}

/**
 * Builds the error reply to `stanza` (RFC 6120 §8.3.1): same name and id, `type='error'`,
 * `to`/`from` swapped. The original payload is NOT echoed back, which §8.3.1 leaves optional:
 * an echo would turn every rejected stanza (up to the size limit) into an equally large
 * reply, and would hand back content the sender may not expect to see again, such as a
 * payload added or forwarded on the way. Never call this for a stanza whose type is 'error'
 * (§8.3.1: an error is never answered with an error).
 */
export function stanzaError(
  stanza: Element,
  condition: StanzaErrorCondition,
  options: StanzaErrorOptions = {},
): Element {
  const { xmlns, id, from, to } = stanza.attrs as Record<string, string | undefined>;
  const reply = new Element(stanza.name, definedAttrs({ xmlns, id, to: from, from: to, type: 'error' }));
  const type = options.type ?? defaultErrorType(condition);
  const error = reply.c('error', definedAttrs({ type, by: options.by }));
  error.c(condition, { xmlns: NS_STANZAS });
  if (options.text !== undefined) error.c('text', { xmlns: NS_STANZAS, 'xml:lang': 'en' }).t(options.text);
  return reply;
}

export const SASL_FAILURE_CONDITIONS = [
  'aborted', 'account-disabled', 'credentials-expired', 'encryption-required',
  'incorrect-encoding', 'invalid-authzid', 'invalid-mechanism', 'malformed-request',
  'mechanism-too-weak', 'not-authorized', 'temporary-auth-failure',
] as const;
export type SaslFailureCondition = (typeof SASL_FAILURE_CONDITIONS)[number];

/** A failed SASL exchange; the gateway answers `<failure><{condition}/></failure>` (§6.4.5). */
export class SaslFailure extends Error {
  override readonly name = 'SaslFailure';
  readonly code: SaslFailureCondition;
  constructor(
    readonly condition: SaslFailureCondition,
    message?: string,
    options?: ErrorOptions,
  ) {
    super(message === undefined ? condition : `${condition}: ${message}`, options);
    this.code = condition;
  }
}
