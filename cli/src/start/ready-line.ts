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
}

/** The one line `gatehouse start` prints when everything serves; never contains a password. */
export function formatReadyLine({ domain, gateways, natsUrl, natsStarted, database, logDir }: ReadyLineInput): string {
  const replicas = gateways.map(
    ({ replica, c2s, c2sTls, http }) =>
      `gateway ${replica} c2s ${c2s} (STARTTLS) ${c2sTls} (TLS) http ${http} (ws://localhost:${http}/xmpp-websocket)`,
  );
  const nats = `NATS ${redactUrl(natsUrl)}${natsStarted ? ' (started here)' : ''}`;
  return ['Gatehouse ready: domain ' + domain, ...replicas, nats, `PostgreSQL ${describeDatabase(database)}`, `logs in ${logDir}`].join('; ');
}

/** The gateway's own report of its ports wins over the plan (it knows what it bound). */
export function portsFromReady(plan: GatewayPlan, ready: Record<string, unknown>): GatewayPlan {
  const ports = ready.ports as Partial<Record<'c2s' | 'c2sTls' | 'http', unknown>> | undefined;
  const pick = (value: unknown, planned: number) => (typeof value === 'number' ? value : planned);
  return {
    replica: plan.replica,
    c2s: pick(ports?.c2s, plan.c2s),
    c2sTls: pick(ports?.c2sTls, plan.c2sTls),
    http: pick(ports?.http, plan.http),
  };
}
