/** Parsing of SCRAM client messages (RFC 5802 §7). */
import { malformed } from './sasl-syntax.ts';

export interface ClientFirst {
  /** `n,,` or `y,a=...,`: echoed in the client-final `c=` attribute (RFC 5802 §6). */
  gs2Header: string;
  /** Decoded, not yet prepared. */
  authzid?: string;
  username: string;
  nonce: string;
  /** client-first-message-bare, part of AuthMessage. */
  bare: string;
}

export interface ClientFinal {
  channelBinding: string;
  nonce: string;
  proof: string;
  /** client-final-message-without-proof, part of AuthMessage. */
  withoutProof: string;
}

// RFC 5802 §7: printable = %x21-2B / %x2D-7E (no comma).
const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isBase64(text: string): boolean {
  return BASE64.test(text);
}

/** saslname (RFC 5802 §7): `,` and `=` are sent as `=2C` and `=3D`, no other `=` allowed. */
function decodeSaslName(value: string): string {
  if (value === '') throw malformed('empty name');
  if (/=(?!2C|3D)/.test(value)) throw malformed('bad escape in name');
  return value.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

function attribute(part: string | undefined, key: string): string {
  if (part === undefined || !part.startsWith(`${key}=`)) throw malformed(`expected ${key}=`);
  return part.slice(2);
}

/** client-first-message = gs2-header client-first-message-bare. */
export function parseClientFirst(text: string): ClientFirst {
  const first = text.indexOf(',');
  const second = first === -1 ? -1 : text.indexOf(',', first + 1);
  if (second === -1) throw malformed('no GS2 header');
  const flag = text.slice(0, first);
  // We offer no -PLUS mechanism, so 'y' ("client supports binding, thinks server does not")
  // is truthful and accepted; 'p=' asks for binding we do not do (RFC 5802 §6).
  if (flag !== 'n' && flag !== 'y') throw malformed(`channel binding flag ${flag} not supported`);
  const authzidPart = text.slice(first + 1, second);
  const authzid = authzidPart === '' ? undefined : decodeSaslName(attribute(authzidPart, 'a'));

  const bare = text.slice(second + 1);
  const parts = bare.split(',');
  // RFC 5802 §5.1: "m" is reserved; the server MUST fail if it is present.
  if (parts[0]?.startsWith('m=')) throw malformed('mandatory extension not supported');
  const username = decodeSaslName(attribute(parts[0], 'n'));
  const nonce = attribute(parts[1], 'r');
  if (!PRINTABLE.test(nonce)) throw malformed('bad nonce');
  return { gs2Header: text.slice(0, second + 1), authzid, username, nonce, bare };
}

/** client-final-message = channel-binding "," nonce ["," extensions] "," proof. */
export function parseClientFinal(text: string): ClientFinal {
  const proofAt = text.lastIndexOf(',p=');
  if (proofAt === -1) throw malformed('no proof');
  const withoutProof = text.slice(0, proofAt);
  const proof = text.slice(proofAt + 3);
  const parts = withoutProof.split(',');
  const channelBinding = attribute(parts[0], 'c');
  const nonce = attribute(parts[1], 'r');
  if (!isBase64(channelBinding) || !isBase64(proof) || proof === '') throw malformed('bad base64');
  return { channelBinding, nonce, proof, withoutProof };
}
