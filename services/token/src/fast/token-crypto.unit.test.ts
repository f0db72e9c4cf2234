import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { fastTokenFor, fastTokenHash, htProof, newTokenId, sameProof } from './token-crypto.ts';

const key = Uint8Array.from({ length: 32 }, (_, i) => i);

/** The client side as xmpp.js @xmpp/sasl-ht-sha-256-none 0.14 computes it (WebCrypto). */
async function clientProof(token: string, label: string, cbData = new Uint8Array()): Promise<Buffer> {
  const hmacKey = await crypto.subtle.importKey('raw', new TextEncoder().encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const message = new Uint8Array([...new TextEncoder().encode(label), ...cbData]);
  return Buffer.from(await crypto.subtle.sign('HMAC', hmacKey, message));
}

describe('FAST token derivation', () => {
  it('makes 22-character base64url ids, never the same twice', () => {
    const ids = new Set(Array.from({ length: 100 }, newTokenId));
    assert.equal(ids.size, 100);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  });

  it('derives base64url(tokenId ‖ HMAC-SHA-256(key, tokenId))', () => {
    // Computed independently (Python hmac) for this key and id.
    assert.equal(fastTokenFor(key, 'AAECAwQFBgcICQoLDA0ODw'), 'AAECAwQFBgcICQoLDA0OD9i5nycJo8p0Fyy-k4JMHymyOgwenCG9hR_y0sOdvvFO');
  });

  it('gives the same token for the same id and key only', () => {
    const id = newTokenId();
    assert.equal(fastTokenFor(key, id), fastTokenFor(Uint8Array.from(key), id));
    assert.notEqual(fastTokenFor(key, id), fastTokenFor(new Uint8Array(32), id));
    assert.notEqual(fastTokenFor(key, id), fastTokenFor(key, newTokenId()));
  });

  it('hashes the token as hex SHA-256, which is not the token', () => {
    const token = fastTokenFor(key, newTokenId());
    assert.equal(fastTokenHash(token), createHash('sha256').update(token).digest('hex'));
    assert.match(fastTokenHash(token), /^[0-9a-f]{64}$/);
  });
});

describe('HT proofs (draft-schmaus-kitten-sasl-ht)', () => {
  it('match the known answers for a token', () => {
    const token = 'secret-token:fast-example';
    assert.equal(htProof(token, 'Initiator', new Uint8Array()).toString('base64'), 'yd7NB4NgU5FwZS/1Wu8IXrs+mPfOEOyFBtQsytRUwSE=');
    assert.equal(htProof(token, 'Responder', Uint8Array.of(1, 2, 3)).toString('base64'), 'oZi+hB9uAWbbjeFaHLo3s/qsYYgW8Jj3SqGe+KYgT98=');
  });

  it('match what an xmpp.js client computes, with and without channel binding', async () => {
    const token = fastTokenFor(key, newTokenId());
    const cb = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    assert.deepEqual(htProof(token, 'Initiator', new Uint8Array()), await clientProof(token, 'Initiator'));
    assert.deepEqual(htProof(token, 'Responder', new Uint8Array()), await clientProof(token, 'Responder'));
    assert.deepEqual(htProof(token, 'Initiator', cb), await clientProof(token, 'Initiator', cb));
    assert.notDeepEqual(htProof(token, 'Initiator', cb), htProof(token, 'Initiator', new Uint8Array()));
  });

  it('compares proofs in constant time, refusing other lengths', () => {
    const proof = htProof('t', 'Initiator', new Uint8Array());
    assert.equal(sameProof(proof, Buffer.from(proof)), true);
    assert.equal(sameProof(proof, htProof('u', 'Initiator', new Uint8Array())), false);
    assert.equal(sameProof(proof, proof.subarray(0, 31)), false);
    assert.equal(sameProof(proof, Buffer.alloc(0)), false);
  });
});
