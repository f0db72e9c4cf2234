/**
 * Figure 6: the client listing. A login storm makes one account a thousand clients
 * (8 parallel password logins over the replicas, each a new client id). The projection
 * lag of each is the time from the first event on the bus that makes it listed (a client
 * event, or since catalog v2 its login's session.established) to its row in the
 * read model, which a poller asks every few ms; login → listed is reported beside it.
 * Then a session of the account lists the thousand clients (manage-clients `<list/>`)
 * again and again: the round trip of each.
 */
import { listClients, parseClients, requireClientManagement } from '../client/iq.ts';
import { passwordLogin } from '../client/login.ts';
import { mapLimit, sleep } from '../concurrency.ts';
import type { ClientManagementHooks } from '../servers/server.ts';
import { latencySummary, round } from '../stats.ts';
import { accounts, endpointFor, type FigureContext } from './context.ts';

const STORM_WORKERS = 8;
const POLL_MS = 2;
/** After the storm, how long the read model may take to show every client before the lists are timed. */
const CATCH_UP_MS = 60_000;
const MIN_LISTS = 20;
const CLIENT_PREFIX = 'bench-c';

export interface ListingFigure {
  stormLogins: number;
  stormLoginsPerS: number;
  /** First client event on the bus → the client's row readable. */
  lag: ReturnType<typeof latencySummary>;
  /** Login `<success>` read by the client → the client's row readable. */
  loginToListed: ReturnType<typeof latencySummary>;
  /** Clients whose row had not appeared CATCH_UP_MS after the storm. */
  neverListed: number;
  listedClients: number;
  listBytes: number;
  /** `<list/>` written → its result read, with `listedClients` entries. */
  list: ReturnType<typeof latencySummary>;
}

/** Polls the read model for every storm client not yet listed, and notes when each first shows. */
function lagPoller(hooks: ClientManagementHooks, jid: string, clients: () => Iterable<string>) {
  const listedAt = new Map<string, number>();
  const pending = () => [...clients()].filter((id) => !listedAt.has(id));
  let running = true;
  const loop = (async () => {
    while (running) {
      const ids = pending();
      if (ids.length > 0) {
        const rows = await hooks.listed(jid, ids);
        const at = performance.now();
        for (const id of rows) if (!listedAt.has(id)) listedAt.set(id, at);
      }
      await sleep(POLL_MS);
    }
  })();
  return {
    listedAt,
    pending: () => pending().length,
    async stop() {
      running = false;
      await loop;
    },
  };
}

const since = (from: Map<string, number>, to: Map<string, number>) =>
  [...to].flatMap(([id, at]) => (from.has(id) ? [at - from.get(id)!] : []));

export async function clientListing(ctx: FigureContext, hooks: ClientManagementHooks, clients: number): Promise<ListingFigure> {
  const [account] = accounts('listing', 1);
  await ctx.server.createAccounts([account!]);
  const jid = `${account!.user}@${ctx.server.endpoints[0]!.domain}`;
  const lister = await passwordLogin({ endpoint: endpointFor(ctx.server, 0), account: account!, clientId: 'bench-lister', tag: 'lister' }, ctx.cache);
  try {
    await requireClientManagement(lister.conn, ctx.server.name);
    const firstEvent = new Map<string, number>();
    const loggedIn = new Map<string, number>();
    const unwatch = await hooks.watchClientEvents(jid, (clientId, at) => {
      if (clientId.startsWith(CLIENT_PREFIX) && !firstEvent.has(clientId)) firstEvent.set(clientId, at);
    });
    const poller = lagPoller(hooks, jid, () => new Set([...firstEvent.keys(), ...loggedIn.keys()]));
    await ctx.server.profile?.('start', 'storm');
    const started = performance.now();
    let stormMs = 0;
    try {
      await mapLimit(Array.from({ length: clients }, (_, i) => i), STORM_WORKERS, async (index) => {
        const clientId = `${CLIENT_PREFIX}${index}`;
        const session = await passwordLogin({ endpoint: endpointFor(ctx.server, index), account: account!, clientId, tag: 'storm' }, ctx.cache);
        loggedIn.set(clientId, performance.now());
        await session.conn.close();
      });
      stormMs = performance.now() - started;
      const deadline = performance.now() + CATCH_UP_MS;
      while (poller.pending() > 0 && performance.now() < deadline) await sleep(20);
    } finally {
      await poller.stop();
      await unwatch();
      await ctx.server.profile?.('stop', 'storm');
    }

    const first = await listClients(lister.conn);
    const rtts: number[] = [];
    await ctx.server.profile?.('start', 'lists');
    const deadline = performance.now() + ctx.durationMs;
    while (rtts.length < MIN_LISTS || performance.now() < deadline) rtts.push((await listClients(lister.conn)).ms);
    await ctx.server.profile?.('stop', 'lists');
    return {
      stormLogins: clients,
      stormLoginsPerS: round((clients * 1000) / stormMs, 1),
      lag: latencySummary(since(firstEvent, poller.listedAt)),
      loginToListed: latencySummary(since(loggedIn, poller.listedAt)),
      neverListed: clients - poller.listedAt.size,
      listedClients: parseClients(first.xml).length,
      listBytes: Buffer.byteLength(first.xml),
      list: latencySummary(rtts),
    };
  } finally {
    await lister.conn.close();
  }
}
