// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata
// API installed before it loads; this import must stay above the x509 one.
import 'reflect-metadata';
import { X509Certificate as NodeX509Certificate, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

export interface EnsureCertificateOptions {
  /** Folder holding `<domain>.crt` and `<domain>.key`; created when missing. */
  dir: string;
  domain: string;
}

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  /** True when this call created the pair (first start, or the old one had expired). */
  generated: boolean;
}

export class CertificateError extends Error {
  constructor(
    readonly code: 'invalid-domain' | 'generation-timeout',
    message: string,
  ) {
    super(message);
    this.name = 'CertificateError';
  }
}

const VALIDITY_MS = 365 * 24 * 3600 * 1000;
/** Another process holding the lock this long has died mid-generation. */
const STALE_LOCK_MS = 30_000;
const WAIT_FOR_OTHER_MS = 15_000;

/**
 * Reuses `<dir>/<domain>.crt/.key` or generates a self-signed pair. Replicas sharing a
 * folder may start together: a `mkdir` lock lets one generate while the others wait, since
 * renaming the two files separately could otherwise pair one replica's key with another's
 * certificate.
 */
export async function ensureCertificate({ dir, domain }: EnsureCertificateOptions): Promise<CertificateFiles> {
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(domain)) {
    throw new CertificateError('invalid-domain', `not a domain name usable for a certificate: ${JSON.stringify(domain)}`);
  }
  const certFile = join(dir, `${domain}.crt`);
  const keyFile = join(dir, `${domain}.key`);
  const lock = join(dir, `${domain}.lock`);
  await mkdir(dir, { recursive: true });
  const deadline = Date.now() + WAIT_FOR_OTHER_MS;
  for (;;) {
    if (await usable(certFile, keyFile)) return { certFile, keyFile, generated: false };
    if (await takeLock(lock)) break;
    if (Date.now() > deadline) {
      throw new CertificateError('generation-timeout', `another process kept ${lock} for over ${WAIT_FOR_OTHER_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    // Another process may have finished between our check and taking the lock.
    if (await usable(certFile, keyFile)) return { certFile, keyFile, generated: false };
    const { certPem, keyPem } = await generateSelfSigned(domain);
    await writeAtomically(keyFile, keyPem, 0o600);
    await writeAtomically(certFile, certPem, 0o644);
    return { certFile, keyFile, generated: true };
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function takeLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const { mtimeMs } = await stat(lock).catch(() => ({ mtimeMs: Date.now() }));
    if (Date.now() - mtimeMs > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
    return false;
  }
}

async function usable(certFile: string, keyFile: string): Promise<boolean> {
  try {
    await access(keyFile);
    const certificate = new NodeX509Certificate(await readFile(certFile));
    return new Date(certificate.validTo).getTime() > Date.now();
  } catch {
    return false;
  }
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, file);
}

/** ECDSA P-256: TLS handshakes cost about 30% less CPU than with RSA-2048. */
async function generateSelfSigned(domain: string): Promise<{ certPem: string; keyPem: string }> {
  const crypto = globalThis.crypto;
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: `01${randomBytes(15).toString('hex')}`,
      name: `CN=${domain}`,
      // A minute back, so a client whose clock runs slightly behind still accepts it.
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + VALIDITY_MS),
      keys,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: domain },
          { type: 'dns', value: `*.${domain}` },
        ]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: `${certificate.toString('pem')}\n`, keyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n` };
}
