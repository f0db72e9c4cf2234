/**
 * Figure 5: revoke → stream ended. A session of the account on replica 0 revokes
 * (manage-clients `<revoke/>`) a client of the same account connected to replica 1; the
 * time runs from the write of the revoke to the victim seeing `</stream:stream>`, a
 * stream error, or its socket closing, whichever comes first.
 */
import { STREAM_END } from '../client/connection.ts';
import { iq, listClients, NS_MANAGE_CLIENTS, parseClients, requireClientManagement } from '../client/iq.ts';
import { passwordLogin, type Session } from '../client/login.ts';
import { sleep } from '../concurrency.ts';
import { latencySummary } from '../stats.ts';
import { accounts, endpointFor, type FigureContext } from './context.ts';

const MAX_REVOKES = 50;
const LISTED_WITHIN_MS = 5_000;
const ENDED_WITHIN_MS = 5_000;

export interface RevokeFigure {
  latency: ReturnType<typeof latencySummary>;
  /** Replies the revoking session got, by IQ type (result, error). */
  replies: Record<string, number>;
}

/**
 * The victim's entry in the listing, once the listing shows it connected (the read model
 * lags a little). Matched by its `<device>` or by the `client/<id>` form both servers
 * use: Gatehouse may list a client that asked for a FAST token on its first login with
 * an empty `<user-agent/>` (docs/performance.md, "Found on the way").
 */
async function victimId(admin: Session, device: string, clientId: string): Promise<string> {
  const deadline = performance.now() + LISTED_WITHIN_MS;
  let seen = 'absent';
  while (performance.now() < deadline) {
    const entry = parseClients((await listClients(admin.conn)).xml).find((client) => client.device === device || client.id === `client/${clientId}`);
    if (entry?.connected) return entry.id;
    if (entry) seen = `listed as ${entry.id}, connected='false'`;
    await sleep(20);
  }
  throw new Error(`${device} not listed as connected within ${LISTED_WITHIN_MS} ms (${seen})`);
}

function streamEnd(victim: Session): Promise<number> {
  let seen = '';
  const byXml = new Promise<number>((resolve) =>
    victim.conn.stream((chunk) => {
      seen = (seen + chunk).slice(-4_096);
      if (STREAM_END.test(seen)) resolve(performance.now());
    }),
  );
  return Promise.race([byXml, victim.conn.ended]);
}

export async function revokeLatency(ctx: FigureContext): Promise<RevokeFigure> {
  const [account] = accounts('revoke', 1);
  await ctx.server.createAccounts([account!]);
  const admin = await passwordLogin({ endpoint: endpointFor(ctx.server, 0), account: account!, clientId: 'bench-admin', tag: 'admin' }, ctx.cache);
  const samples: number[] = [];
  const replies: Record<string, number> = {};
  try {
    await requireClientManagement(admin.conn, ctx.server.name);
    const deadline = performance.now() + ctx.durationMs;
    for (let k = 0; k < MAX_REVOKES && (k < 3 || performance.now() < deadline); k++) {
      const device = `victim-${k}`;
      const clientId = `bench-victim-${k}`;
      const victim = await passwordLogin({ endpoint: endpointFor(ctx.server, 1), account: account!, clientId, device, tag: 'victim', requestToken: true }, ctx.cache);
      try {
        const id = await victimId(admin, device, clientId);
        const ended = streamEnd(victim);
        const started = performance.now();
        const reply = iq(admin.conn, 'set', `<revoke xmlns='${NS_MANAGE_CLIENTS}' id='${id}'/>`);
        const at = await Promise.race([ended, sleep(ENDED_WITHIN_MS).then(() => undefined)]);
        if (at === undefined) throw new Error(`${device}: stream still open ${ENDED_WITHIN_MS} ms after its revoke`);
        samples.push(at - started);
        const type = (await reply).type;
        replies[type] = (replies[type] ?? 0) + 1;
      } finally {
        victim.conn.destroy();
      }
    }
  } finally {
    await admin.conn.close();
  }
  return { latency: latencySummary(samples), replies };
}
