/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) for the load client, with the PBKDF2 result cached
 * per account, salt and iteration count. RFC 5802 §5.1 lets a client store ClientKey and
 * ServerKey instead of the password; doing so here is what keeps the bench from
 * measuring its own PBKDF2 (the brief's @xmpp/client spends ~300 ms per login on it).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

interface Keys {
  clientKey: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export class ScramKeyCache {
  private readonly keys = new Map<string, Keys>();
  /** PBKDF2 runs done, so a figure can say what the cache saved. */
  derivations = 0;

  get(user: string, password: string, salt: string, iterations: number): Keys {
    const key = `${user}\0${salt}\0${iterations}`;
    let keys = this.keys.get(key);
    if (!keys) {
      this.derivations++;
      const salted = pbkdf2Sync(password, Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
      const clientKey = hmac(salted, 'Client Key');
      keys = { clientKey, storedKey: createHash('sha256').update(clientKey).digest(), serverKey: hmac(salted, 'Server Key') };
      this.keys.set(key, keys);
    }
    return keys;
  }
}

export class ScramError extends Error {
  readonly code = 'scram-failed';
  constructor(message: string) {
    super(message);
    this.name = 'ScramError';
  }
}

/** One exchange: `first()` → client-first, `final(serverFirst)` → client-final, `verify(serverFinal)`. */
export class ScramClient {
  private expectedSignature: Buffer | undefined;

  constructor(
    private readonly cache: ScramKeyCache,
    private readonly user: string,
    private readonly password: string,
    /** The client nonce; random unless a test pins it. */
    private readonly nonce = randomBytes(18).toString('base64'),
  ) {}

  get clientFirstBare(): string {
    return `n=${this.user},r=${this.nonce}`;
  }

  first(): string {
    return `n,,${this.clientFirstBare}`;
  }

  final(serverFirst: string): string {
    const attrs = new Map(serverFirst.split(',').map((part) => [part[0], part.slice(2)]));
    const nonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (!nonce?.startsWith(this.nonce) || !salt || !Number.isSafeInteger(iterations)) throw new ScramError(`bad server-first: ${serverFirst}`);
    const keys = this.cache.get(this.user, this.password, salt, iterations);
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = hmac(keys.storedKey, authMessage);
    const proof = Buffer.alloc(signature.length);
    for (let i = 0; i < proof.length; i++) proof[i] = keys.clientKey[i]! ^ signature[i]!;
    this.expectedSignature = hmac(keys.serverKey, authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** The server proves it knew the password too (`v=`); a bench that skipped this could be fooled by a broken server. */
  verify(serverFinal: string): void {
    const v = /(?:^|,)v=([^,]+)/.exec(serverFinal)?.[1];
    const got = v ? Buffer.from(v, 'base64') : Buffer.alloc(0);
    if (!this.expectedSignature || got.length !== this.expectedSignature.length || !timingSafeEqual(got, this.expectedSignature)) {
      throw new ScramError('server signature does not match');
    }
  }
}
