import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScramClient, ScramError, ScramKeyCache } from './scram.ts';

// RFC 7677 §3: the SCRAM-SHA-256 example exchange (user "user", password "pencil").
const NONCE = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

describe('ScramClient', () => {
  it('produces the RFC 7677 client messages and accepts its server signature', () => {
    const client = new ScramClient(new ScramKeyCache(), 'user', 'pencil', NONCE);
    assert.equal(client.first(), `n,,n=user,r=${NONCE}`);
    assert.equal(client.final(SERVER_FIRST), CLIENT_FINAL);
    assert.doesNotThrow(() => client.verify(SERVER_FINAL));
  });

  it('rejects a wrong server signature', () => {
    const client = new ScramClient(new ScramKeyCache(), 'user', 'pencil', NONCE);
    client.final(SERVER_FIRST);
    assert.throws(() => client.verify('v=AAAA'), ScramError);
  });

  it('rejects a server nonce that does not extend its own', () => {
    const client = new ScramClient(new ScramKeyCache(), 'user', 'pencil', 'other');
    assert.throws(() => client.final(SERVER_FIRST), ScramError);
  });

  it('runs PBKDF2 once per account, salt and iteration count', () => {
    const cache = new ScramKeyCache();
    for (let i = 0; i < 3; i++) new ScramClient(cache, 'user', 'pencil', NONCE).final(SERVER_FIRST);
    assert.equal(cache.derivations, 1);
    new ScramClient(cache, 'user', 'pencil', NONCE).final(SERVER_FIRST.replace('i=4096', 'i=8192'));
    assert.equal(cache.derivations, 2);
  });
});
