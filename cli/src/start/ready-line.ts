import { describeDatabase, redactUrl, type ResolvedDatabase } from '@gatehouse/db';
import type { GatewayPlan } from './ports.ts';

export interface ReadyLineInput {
  domain: string;
  gateways: GatewayPlan[];
  natsUrl: string;
  /** True when this launcher started the NATS server (it stops it on exit). */
  natsStarted: boolean;
  database: ResolvedDatabase;
  logDir: string;
  /** HTTP_TLS: the client HTTP port speaks wss:// (default) or plain ws:// for a proxy. */
  httpTls: boolean;
}

/** The one line `gatehouse start` prints when everything serves; never contains a password. */
export function formatReadyLine({ domain, gateways, natsUrl, natsStarted, database, logDir, httpTls }: ReadyLineInput): string {
  const scheme = httpTls ? 'wss' : 'ws';
  const replicas = gateways.map(
    ({ replica, c2s, c2sTls, http, admin }) =>
      `gateway ${replica} c2s ${c2s} (STARTTLS) ${c2sTls} (TLS) http ${http} (${scheme}://localhost:${http}/xmpp-websocket) admin ${admin}`,
  );
  const nats = `NATS ${redactUrl(natsUrl)}${natsStarted ? ' (started here)' : ''}`;
  return ['Gatehouse ready: domain ' + domain, ...replicas, nats, `PostgreSQL ${describeDatabase(database)}`, `logs in ${logDir}`].join('; ');
}

/** The gateway's own report of its ports wins over the plan (it knows what it bound). */
export function portsFromReady(plan: GatewayPlan, ready: Record<string, unknown>): GatewayPlan {
  const ports = ready.ports as Partial<Record<'c2s' | 'c2sTls' | 'http' | 'admin', unknown>> | undefined;
  const pick = (value: unknown, planned: number) => (typeof value === 'number' ? value : planned);
  return {
    replica: plan.replica,
    c2s: pick(ports?.c2s, plan.c2s),
    c2sTls: pick(ports?.c2sTls, plan.c2sTls),
    http: pick(ports?.http, plan.http),
    admin: pick(ports?.admin, plan.admin),
  };
}
