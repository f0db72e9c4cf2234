import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CertificateError, ensureCertificate } from './certificate.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-tls-'));
  dirs.push(dir);
  return dir;
}
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('ensureCertificate', () => {
  it('generates a self-signed ECDSA P-256 certificate for the domain and its subdomains, valid a year', async () => {
    const dir = join(await tempDir(), 'tls');
    const files = await ensureCertificate({ dir, domain: 'example.test' });
    assert.deepEqual(files, { certFile: join(dir, 'example.test.crt'), keyFile: join(dir, 'example.test.key'), generated: true });

    const certificate = new X509Certificate(await readFile(files.certFile));
    assert.equal(certificate.subject, 'CN=example.test');
    assert.equal(certificate.issuer, 'CN=example.test');
    assert.equal(certificate.subjectAltName, 'DNS:example.test, DNS:*.example.test');
    assert.equal(certificate.publicKey.asymmetricKeyType, 'ec');
    assert.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(certificate.ca, false);
    assert.ok(certificate.verify(certificate.publicKey));
    assert.ok(certificate.checkHost('example.test'));
    assert.ok(certificate.checkHost('chat.example.test'));
    const days = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
    assert.ok(days >= 365 && days < 366, `valid for ${days} days`);

    const key = createPrivateKey(await readFile(files.keyFile));
    assert.ok(certificate.checkPrivateKey(key));
    assert.equal((await stat(files.keyFile)).mode & 0o777, 0o600);
  });

  it('reuses the pair it finds', async () => {
    const dir = await tempDir();
    const first = await ensureCertificate({ dir, domain: 'localhost' });
    const pem = await readFile(first.certFile, 'utf8');
    const second = await ensureCertificate({ dir, domain: 'localhost' });
    assert.deepEqual(second, { ...first, generated: false });
    assert.equal(await readFile(second.certFile, 'utf8'), pem);
  });

  it('generates once when several callers start together, leaving a matching pair', async () => {
    const dir = await tempDir();
    const results = await Promise.all(Array.from({ length: 4 }, () => ensureCertificate({ dir, domain: 'localhost' })));
    assert.equal(results.filter((result) => result.generated).length, 1);
    const certificate = new X509Certificate(await readFile(join(dir, 'localhost.crt')));
    assert.ok(certificate.checkPrivateKey(createPrivateKey(await readFile(join(dir, 'localhost.key')))));
  });

  it('refuses a domain that is not a plain host name', async () => {
    const dir = await tempDir();
    await assert.rejects(ensureCertificate({ dir, domain: '../etc' }), (error: unknown) => {
      assert.ok(error instanceof CertificateError);
      assert.equal(error.code, 'invalid-domain');
      return true;
    });
  });
});
