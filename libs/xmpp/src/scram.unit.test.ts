import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { type SaslFailureCondition, SaslFailure } from './errors.ts';
import { type ScramMechanism, ScramServerExchange, deriveScramCredential } from './scram.ts';

const b = (text: string) => Buffer.from(text, 'utf8');

const VECTORS: Record<ScramMechanism, {
  salt: string; clientNonce: string; serverNonce: string; proof: string; verifier: string;
}> = {
  // RFC 5802 §5
  'SCRAM-SHA-1': {
    salt: 'QSXCR+Q6sek8bf92',
    clientNonce: 'fyko+d2lbbFgONRv9qkxdawL',
    serverNonce: '3rfcNHYJY1ZVvWVs7j',
    proof: 'v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    verifier: 'rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  },
  // RFC 7677 §3
  'SCRAM-SHA-256': {
    salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
    clientNonce: 'rOprNGfwEbeRWgbNEkqO',
    serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    proof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    verifier: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  },
};

function failureOf(run: () => unknown): SaslFailureCondition {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof SaslFailure, String(err));
    return err.condition;
  }
  assert.fail('no failure');
}

describe('ScramServerExchange: RFC test vectors', () => {
  for (const [mechanism, v] of Object.entries(VECTORS) as [ScramMechanism, (typeof VECTORS)[ScramMechanism]][]) {
    it(`reproduces the ${mechanism} exchange byte for byte`, () => {
      const cred = deriveScramCredential('pencil', mechanism, { salt: v.salt, iterations: 4096 });
      const server = new ScramServerExchange(mechanism, { domain: 'example.com', nonce: () => v.serverNonce });
      assert.deepEqual(server.clientFirst(b(`n,,n=user,r=${v.clientNonce}`)), { username: 'user' });
      const nonce = v.clientNonce + v.serverNonce;
      assert.equal(server.serverFirst(cred).toString(), `r=${nonce},s=${v.salt},i=4096`);
      const final = server.clientFinal(b(`c=biws,r=${nonce},p=${v.proof}`), cred);
      assert.equal(final.toString(), `v=${v.verifier}`);
    });
  }
});

describe('ScramServerExchange: failures', () => {
  const v = VECTORS['SCRAM-SHA-1'];
  const nonce = v.clientNonce + v.serverNonce;
  const cred = deriveScramCredential('pencil', 'SCRAM-SHA-1', { salt: v.salt });
  const started = (clientFirst = `n,,n=user,r=${v.clientNonce}`) => {
    const server = new ScramServerExchange('SCRAM-SHA-1', { domain: 'example.com', nonce: () => v.serverNonce });
    server.clientFirst(b(clientFirst));
    server.serverFirst(cred);
    return server;
  };

  it('answers a wrong password with not-authorized', () => {
    const other = deriveScramCredential('pencil2', 'SCRAM-SHA-1', { salt: v.salt });
    const server = new ScramServerExchange('SCRAM-SHA-1', { domain: 'example.com', nonce: () => v.serverNonce });
    server.clientFirst(b(`n,,n=user,r=${v.clientNonce}`));
    server.serverFirst(other);
    assert.equal(failureOf(() => server.clientFinal(b(`c=biws,r=${nonce},p=${v.proof}`), other)), 'not-authorized');
  });

  it('answers a tampered proof with not-authorized', () => {
    const proof = Buffer.from(v.proof, 'base64');
    proof[0] = proof[0]! ^ 1;
    const server = started();
    assert.equal(failureOf(() => server.clientFinal(b(`c=biws,r=${nonce},p=${proof.toString('base64')}`), cred)), 'not-authorized');
  });

  for (const [name, clientFirst] of [
    ['channel binding requested (p=)', `p=tls-unique,,n=user,r=${v.clientNonce}`],
    ['an unknown GS2 flag', `x,,n=user,r=${v.clientNonce}`],
    ['a mandatory extension (m=)', `n,,m=ext,n=user,r=${v.clientNonce}`],
    ['no GS2 header', `n=user,r=${v.clientNonce}`],
    ['a bad escape in the username', `n,,n=us=er,r=${v.clientNonce}`],
    ['an empty username', `n,,n=,r=${v.clientNonce}`],
    ['a missing nonce', 'n,,n=user'],
    ['a nonce with a non-printable character', 'n,,n=user,r=ab\u00e9'],
    ['a username SASLprep rejects', `n,,n=us\u0007er,r=${v.clientNonce}`],
    ['an authzid without a=', `n,x,n=user,r=${v.clientNonce}`],
  ]) {
    it(`answers ${name} with malformed-request`, () => {
      const server = new ScramServerExchange('SCRAM-SHA-1', { domain: 'example.com' });
      assert.equal(failureOf(() => server.clientFirst(b(clientFirst as string))), 'malformed-request');
    });
  }

  it('answers invalid UTF-8 with malformed-request', () => {
    const server = new ScramServerExchange('SCRAM-SHA-1', { domain: 'example.com' });
    assert.equal(failureOf(() => server.clientFirst(Buffer.from([0x6e, 0x2c, 0x2c, 0xff]))), 'malformed-request');
  });

  for (const [name, clientFinal] of [
    ['a nonce mismatch', `c=biws,r=${v.clientNonce}x,p=${v.proof}`],
    ['channel binding data not matching the header', `c=eSws,r=${nonce},p=${v.proof}`],
    ['a missing proof', `c=biws,r=${nonce}`],
    ['a proof of the wrong length', `c=biws,r=${nonce},p=AAAA`],
    ['a proof that is not base64', `c=biws,r=${nonce},p=!!!!`],
  ]) {
    it(`answers ${name} with malformed-request`, () => {
      assert.equal(failureOf(() => started().clientFinal(b(clientFinal as string), cred)), 'malformed-request');
    });
  }

  it('refuses steps out of order and after a failure', () => {
    const fresh = new ScramServerExchange('SCRAM-SHA-1', { domain: 'example.com' });
    assert.equal(failureOf(() => fresh.clientFinal(b(`c=biws,r=${nonce},p=${v.proof}`), cred)), 'malformed-request');
    const failed = new ScramServerExchange('SCRAM-SHA-1', { domain: 'example.com' });
    failureOf(() => failed.clientFirst(b('n,,n=')));
    assert.equal(failureOf(() => failed.clientFirst(b(`n,,n=user,r=${v.clientNonce}`))), 'malformed-request');
    const done = started();
    done.clientFinal(b(`c=biws,r=${nonce},p=${v.proof}`), cred);
    assert.equal(failureOf(() => done.clientFinal(b(`c=biws,r=${nonce},p=${v.proof}`), cred)), 'malformed-request');
  });
});

describe('ScramServerExchange: identities', () => {
  it('decodes =2C and =3D in the username and SASLprep-s it', () => {
    const server = new ScramServerExchange('SCRAM-SHA-1', { domain: 'example.com' });
    assert.deepEqual(server.clientFirst(b('n,,n=a=2Cb=3Dc\u00a0d,r=abc')), { username: 'a,b=c d' });
  });

  it('accepts the y flag, as we offer no channel binding', () => {
    const server = new ScramServerExchange('SCRAM-SHA-1', { domain: 'example.com' });
    assert.deepEqual(server.clientFirst(b('y,,n=user,r=abc')), { username: 'user' });
  });

  it('accepts an authzid naming the authenticated account and wants it echoed in c=', () => {
    const cred = deriveScramCredential('pencil', 'SCRAM-SHA-256', { iterations: 4096 });
    const server = new ScramServerExchange('SCRAM-SHA-256', { domain: 'example.com' });
    assert.deepEqual(server.clientFirst(b('n,a=User@Example.com,n=user,r=abc')), { username: 'user', authzid: 'User@Example.com' });
    server.serverFirst(cred);
    const wrongC = 'c=biws,r=abc,p=AAAA';
    assert.equal(failureOf(() => server.clientFinal(b(wrongC), cred)), 'malformed-request');
  });

  for (const authzid of ['other@example.com', 'user@example.org', 'user@example.com/res', '@@']) {
    it(`answers authzid ${authzid} with invalid-authzid`, () => {
      const server = new ScramServerExchange('SCRAM-SHA-1', { domain: 'example.com' });
      assert.equal(failureOf(() => server.clientFirst(b(`n,a=${authzid},n=user,r=abc`))), 'invalid-authzid');
    });
  }
});

describe('deriveScramCredential', () => {
  it('uses a fresh 16-byte salt and 4096 iterations by default', () => {
    const a = deriveScramCredential('pencil', 'SCRAM-SHA-256');
    const c = deriveScramCredential('pencil', 'SCRAM-SHA-256');
    assert.equal(Buffer.from(a.salt, 'base64').length, 16);
    assert.equal(a.iterations, 4096);
    assert.notEqual(a.salt, c.salt);
    assert.equal(Buffer.from(a.storedKey, 'base64').length, 32);
  });

  it('prepares the password with SASLprep', () => {
    const salt = 'QSXCR+Q6sek8bf92';
    assert.deepEqual(
      deriveScramCredential('I\u00adX', 'SCRAM-SHA-1', { salt }),
      deriveScramCredential('IX', 'SCRAM-SHA-1', { salt }),
    );
    assert.throws(() => deriveScramCredential('a\u0007b', 'SCRAM-SHA-1'));
  });
});

// The client that xmpp.js 0.14 ships (checklist 6120-12): it is installed for the gateway's
// end-to-end tests, not as a dependency of this package, hence the optional load.
interface ScramClient {
  response(cred: { username: string; password: string; authzid?: string }): string | Promise<string>;
  challenge(text: string): unknown;
}
function loadXmppJsScram(): (new () => ScramClient) | undefined {
  try {
    return createRequire(import.meta.url)('sasl-scram-sha-1') as new () => ScramClient;
  } catch {
    return undefined;
  }
}
const XmppJsScram = loadXmppJsScram();

describe('ScramServerExchange with the xmpp.js client', () => {
  it('authenticates and the client accepts our verifier', { skip: XmppJsScram === undefined }, async () => {
    const Client = XmppJsScram!;
    const cred = deriveScramCredential('s3cret, =pass', 'SCRAM-SHA-1');
    const client = new Client();
    const server = new ScramServerExchange('SCRAM-SHA-1', { domain: 'localhost' });
    const credentials = { username: 'ro,me=o', password: 's3cret, =pass', authzid: 'ro,me=o@localhost' };
    assert.deepEqual(server.clientFirst(b(await client.response(credentials))), {
      username: 'ro,me=o',
      authzid: 'ro,me=o@localhost',
    });
    client.challenge(server.serverFirst(cred).toString());
    const final = server.clientFinal(b(await client.response(credentials)), cred).toString();
    const expected = (client as unknown as { _serverSignature: Uint8Array })._serverSignature;
    assert.equal(final, `v=${Buffer.from(expected).toString('base64')}`);
  });
});
