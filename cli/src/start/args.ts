import { UsageError } from '../errors.ts';

export interface StartArgs {
  gateways: number;
  help: boolean;
}

export const MAX_GATEWAYS = 50;

export const startUsage = `usage: gatehouse start [--gateways N]

Runs the whole stack in the foreground: NATS (started here when none answers and
nats-server is installed), the token, projections, roster-sync and client-registry
services and N gateway replicas.
Prints one line when everything serves; Ctrl-C stops it all.

Options:
  --gateways N   gateway replicas (default 1); replica i listens on the base ports + 100*i
  -h, --help     show this help

Environment:
  NATS_URL                   NATS with JetStream (default nats://127.0.0.1:4222)
  DATABASE_URL               PostgreSQL; unset: the local server on 127.0.0.1:5432 when it
                             answers, else an embedded PGlite database in <data dir>/pg
  GATEHOUSE_DATA_DIR         data, certificate and logs (default ./.data)
  XMPP_DOMAIN                served domain (default localhost)
  GATEHOUSE_NAMESPACE        prefix of every NATS name (default gatehouse)
  TLS_CERT_FILE/TLS_KEY_FILE certificate and key (default: self-signed, generated once)
  C2S_PORT, C2S_TLS_PORT, HTTP_PORT   ports of replica 0 (default 5222, 5223, 5280)
  ADMIN_HTTP_PORT            admin API, /roster_admin, /metrics of replica 0 (default 5281,
                             on 127.0.0.1: ADMIN_HTTP_BIND_ADDRESS)
  HTTP_TLS                   WebSocket as wss:// on HTTP_PORT (default true); false: plain
                             ws:// on 127.0.0.1 for a TLS proxy (TRUSTED_PROXIES)
  GATEWAY_BIND_ADDRESS       listen address of the gateways (default 0.0.0.0)
  LOG_LEVEL                  services' log level (default info); logs go to <data dir>/logs
  ROSTER_HTTP_URL            external roster mode: the web app URL, %s = username
  ROSTER_ADMIN_SECRET        bearer secret of POST /roster_admin/refresh (unset: 401)
  ADMIN_TOKEN                bearer token of the admin API /admin/... (unset: 401)
  ENFORCE_CLIENT_IDS         every login must carry a SASL2 client id (default false)
`;

/** `--gateways N` (or `--gateways=N`) and `--help`; anything else is a usage error. */
export function parseStartArgs(argv: readonly string[]): StartArgs {
  const args: StartArgs = { gateways: 1, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      args.help = true;
    } else if (arg === '--gateways' || arg.startsWith('--gateways=')) {
      const value = arg === '--gateways' ? argv[++i] : arg.slice('--gateways='.length);
      args.gateways = parseCount(value);
    } else {
      throw new UsageError(`unknown argument '${arg}'`, startUsage);
    }
  }
  return args;
}

function parseCount(value: string | undefined): number {
  const count = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(count >= 1 && count <= MAX_GATEWAYS)) {
    throw new UsageError(`--gateways needs a whole number from 1 to ${MAX_GATEWAYS}, not '${value ?? ''}'`, startUsage);
  }
  return count;
}
