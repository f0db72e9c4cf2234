export { ensureCertificate, CertificateError, type CertificateFiles, type EnsureCertificateOptions } from './certificate.ts';
export { loadSecureContext, type TlsMaterial } from './secure-context.ts';
