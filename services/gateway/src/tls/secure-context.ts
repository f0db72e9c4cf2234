import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import { ensureCertificate } from './certificate.ts';
import { tlsServerEndPoint } from './channel-binding.ts';

/**
 * The configured certificate, or a self-signed one for the domain generated at first
 * start (kept under the data directory, so every replica and restart reuses it).
 */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** For STARTTLS upgrades (TLSSocket); tls.createServer needs cert and key themselves. */
  context: SecureContext;
  /** Channel-binding data for HT-SHA-256-ENDP (RFC 5929 tls-server-end-point). */
  endPoint: Buffer;
}

export async function loadSecureContext(opts: { certFile?: string; keyFile?: string; dataDir: string; domain: string }): Promise<{ tls: TlsMaterial; certFile: string; generated: boolean }> {
  const files =
    opts.certFile && opts.keyFile
      ? { certFile: opts.certFile, keyFile: opts.keyFile, generated: false }
      : await ensureCertificate({ dir: `${opts.dataDir}/tls`, domain: opts.domain });
  const [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  return { tls: { cert, key, context: createSecureContext({ cert, key, minVersion: 'TLSv1.2' }), endPoint: tlsServerEndPoint(cert) }, certFile: files.certFile, generated: files.generated };
}
