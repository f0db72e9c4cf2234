import { resolve } from 'node:path';
import { booleanFromEnv, commonEnv, ConfigError } from '@gatehouse/config';

export interface StartEnv {
  natsUrl: string;
  domain: string;
  databaseUrl: string | undefined;
  /** Absolute, so children with another working directory agree on it. */
  dataDir: string;
  tls: { certFile: string; keyFile: string } | undefined;
  /** HTTP_TLS, as the gateways read it: their WebSocket is wss:// (default) or ws://. */
  httpTls: boolean;
}

/** What the launcher itself decides from; everything else passes through to the services untouched. */
export function readStartEnv(env: Record<string, string | undefined>): StartEnv {
  const problems: string[] = [];
  const natsUrl = commonEnv.NATS_URL.safeParse(env.NATS_URL || undefined);
  const domain = commonEnv.XMPP_DOMAIN.safeParse(env.XMPP_DOMAIN || undefined);
  if (!natsUrl.success) problems.push('NATS_URL: must be a NATS URL');
  if (!domain.success) problems.push('XMPP_DOMAIN: must not be empty');
  if (natsUrl.success && !URL.canParse(natsUrl.data)) problems.push(`NATS_URL: not a URL: ${natsUrl.data}`);
  const certFile = env.TLS_CERT_FILE || undefined;
  const keyFile = env.TLS_KEY_FILE || undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) problems.push('TLS_CERT_FILE and TLS_KEY_FILE: set both or neither');
  const httpTls = booleanFromEnv(true).safeParse(env.HTTP_TLS);
  if (!httpTls.success) problems.push('HTTP_TLS: must be true or false');
  if (problems.length > 0 || !natsUrl.success || !domain.success || !httpTls.success) throw new ConfigError(problems);
  return {
    natsUrl: natsUrl.data,
    domain: domain.data,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.GATEHOUSE_DATA_DIR || './.data'),
    tls: certFile && keyFile ? { certFile: resolve(certFile), keyFile: resolve(keyFile) } : undefined,
    httpTls: httpTls.data,
  };
}
