/**
 * Server side of SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677), without channel
 * binding (no -PLUS yet). Bytes in, bytes out; the gateway base64-wraps them for
 * `<challenge/>`/`<success/>` (RFC 6120 §6.4) and looks the credential up in between.
 *
 * To not reveal which usernames exist, call `serverFirst` for an unknown user too, with a
 * made-up salt, and fail at `clientFinal`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslFailure } from './errors.ts';
import { formatJid, tryParseJid } from './jid.ts';
import {
  type ScramCredential,
  type ScramMechanism,
  digest,
  hashOf,
  hmac,
  prepare,
} from './scram-credential.ts';
import { decodeUtf8, malformed } from './sasl-syntax.ts';
import { type ClientFirst, parseClientFinal, parseClientFirst } from './scram-messages.ts';

export { deriveScramCredential } from './scram-credential.ts';
export type { DeriveScramOptions, ScramCredential, ScramMechanism } from './scram-credential.ts';

export interface ScramServerOptions {
  /** Our XMPP domain: an authzid, if sent, must be the bare JID `username@domain` (RFC 6120 §6.3.8). */
  domain: string;
  /** The server's part of the nonce (printable ASCII, no comma). Default: 18 random bytes, base64. */
  nonce?: () => string;
}

type State =
  | { step: 'start' }
  | { step: 'client-first'; client: ClientFirst }
  | { step: 'server-first'; client: ClientFirst; serverFirst: string; nonce: string }
  | { step: 'done' };

function randomNonce(): string {
  return randomBytes(18).toString('base64');
}

export class ScramServerExchange {
  private state: State = { step: 'start' };

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly options: ScramServerOptions,
  ) {}

  /** Reads client-first-message; the username is decoded and SASLprep'd. */
  clientFirst(message: Buffer): { username: string; authzid?: string } {
    if (this.state.step !== 'start') throw malformed('unexpected client-first-message');
    // Any failure ends the exchange: each step moves to 'done' first.
    this.state = { step: 'done' };
    const client = parseClientFirst(decodeUtf8(message));
    let username: string;
    try {
      username = prepare(client.username);
    } catch (err) {
      throw new SaslFailure('malformed-request', 'username fails SASLprep', { cause: err });
    }
    if (client.authzid !== undefined) this.checkAuthzid(client.authzid, username);
    this.state = { step: 'client-first', client };
    return client.authzid === undefined ? { username } : { username, authzid: client.authzid };
  }

  /** server-first-message for the user's stored salt and iteration count. */
  serverFirst(cred: Pick<ScramCredential, 'salt' | 'iterations'>): Buffer {
    const state = this.state;
    if (state.step !== 'client-first') throw malformed('unexpected server-first-message');
    const { client } = state;
    const nonce = client.nonce + (this.options.nonce ?? randomNonce)();
    const serverFirst = `r=${nonce},s=${cred.salt},i=${cred.iterations}`;
    this.state = { step: 'server-first', client, serverFirst, nonce };
    return Buffer.from(serverFirst, 'utf8');
  }

  /**
   * Checks client-final-message against the stored keys and returns server-final-message
   * (`v=...`, to send in `<success/>`). Throws `not-authorized` on a wrong proof.
   */
  clientFinal(message: Buffer, cred: ScramCredential): Buffer {
    const state = this.state;
    if (state.step !== 'server-first') throw malformed('unexpected client-final-message');
    this.state = { step: 'done' };
    const final = parseClientFinal(decodeUtf8(message));
    if (final.channelBinding !== Buffer.from(state.client.gs2Header, 'utf8').toString('base64')) {
      throw malformed('channel binding data does not match the GS2 header');
    }
    if (final.nonce !== state.nonce) throw malformed('nonce mismatch');
    const proof = Buffer.from(final.proof, 'base64');
    const storedKey = Buffer.from(cred.storedKey, 'base64');
    const { bytes } = hashOf(this.mechanism);
    if (proof.length !== bytes || storedKey.length !== bytes) throw malformed('proof of wrong length');

    const authMessage = `${state.client.bare},${state.serverFirst},${final.withoutProof}`;
    const clientSignature = hmac(this.mechanism, storedKey, authMessage);
    const clientKey = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(digest(this.mechanism, clientKey), storedKey)) {
      throw new SaslFailure('not-authorized');
    }
    const serverSignature = hmac(this.mechanism, Buffer.from(cred.serverKey, 'base64'), authMessage);
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }

  private checkAuthzid(authzid: string, username: string): void {
    const requested = tryParseJid(authzid);
    const own = tryParseJid(`${username}@${this.options.domain}`);
    if (requested === null || own === null || formatJid(requested) !== formatJid(own)) {
      throw new SaslFailure('invalid-authzid', 'may only act as the authenticated account');
    }
  }
}
