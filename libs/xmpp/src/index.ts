export {
  NS_BIND,
  NS_BIND2,
  NS_FAST,
  NS_SASL2,
  NS_CLIENT,
  NS_DISCO_INFO,
  NS_DISCO_ITEMS,
  NS_FRAMING,
  NS_PING,
  NS_SASL,
  NS_SESSION,
  NS_STANZAS,
  NS_STREAM_ERRORS,
  NS_STREAMS,
  NS_TLS,
  NS_ROSTER,
  NS_ROSTER_VERSIONING,
  NS_PRE_APPROVAL,
  NS_BLOCKING,
  NS_BLOCKING_ERRORS,
  NS_LAST_ACTIVITY,
  NS_DELAY,
  FEATURE_OFFLINE,
} from './namespaces.ts';
export {
  type Jid,
  JidMalformedError,
  HostUnknownError,
  accountJid,
  bareJid,
  formatJid,
  isValidResource,
  isValidUsername,
  parseJid,
  tryParseJid,
} from './jid.ts';
export {
  SASL_FAILURE_CONDITIONS,
  STREAM_ERROR_CONDITIONS,
  type SaslFailureCondition,
  SaslFailure,
  type StanzaErrorCondition,
  type StanzaErrorOptions,
  type StanzaErrorType,
  type StreamErrorCondition,
  StreamError,
  defaultErrorType,
  stanzaError,
  streamErrorXml,
} from './errors.ts';
export {
  XmppStreamParser,
  type XmppStreamParserEvents,
  type XmppStreamParserOptions,
} from './stream-parser.ts';
export { type Frame, closeFrame, openFrame, parseFrame } from './framing.ts';
export {
  type DeriveScramOptions,
  type ScramCredential,
  type ScramMechanism,
  type ScramServerOptions,
  ScramServerExchange,
  deriveScramCredential,
} from './scram.ts';
export { type PlainCredentials, parsePlain, verifyPlain } from './plain.ts';
export { iqResult, isStanza } from './stanza.ts';
export { isRestartTrigger } from './restart-trigger.ts';
export { blockItemMatches, isBlockedBy } from './block-match.ts';
