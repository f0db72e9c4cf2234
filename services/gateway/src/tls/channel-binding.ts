// Must precede @peculiar/x509 (see certificate.ts).
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * RFC 5929 §4.1 tls-server-end-point: the hash of our certificate, with the hash of its
 * signature algorithm, except that MD5 and SHA-1 become SHA-256. It depends only on the
 * certificate, so it is computed once, not per connection.
 */
export function tlsServerEndPoint(certPem: Buffer): Buffer {
  const cert = new x509.X509Certificate(certPem.toString('utf8'));
  const signatureHash = (cert.signatureAlgorithm as { hash?: { name?: string } }).hash?.name?.toUpperCase() ?? 'SHA-256';
  const hash = signatureHash === 'SHA-384' ? 'sha384' : signatureHash === 'SHA-512' ? 'sha512' : 'sha256';
  return createHash(hash).update(Buffer.from(cert.rawData)).digest();
}
