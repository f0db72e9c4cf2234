/** Shared by the SASL mechanisms: syntax errors are `malformed-request` (RFC 6120 §6.5.7). */
import { SaslFailure } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function malformed(reason: string): SaslFailure {
  return new SaslFailure('malformed-request', reason);
}

/** SASL messages in XMPP are UTF-8 (RFC 4616 §2, RFC 5802 §5.1). */
export function decodeUtf8(message: Buffer): string {
  try {
    return utf8.decode(message);
  } catch {
    throw malformed('not UTF-8');
  }
}
