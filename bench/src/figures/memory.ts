/**
 * Figure 3: resident memory per idle authenticated TLS session. On a fresh server,
 * sessions are opened (FAST, Bind 2, each its own resource) and held; the servers'
 * summed VmRSS above the baseline, divided by the sessions, is the cost of one.
 *
 * FAST rather than password logins open them: 10,000 SCRAM logins would cost Prosody
 * over a minute of CPU per round, and what is measured is the session held, not how it
 * was opened. Each account is driven by one opener at a time, since Gatehouse appends
 * every FAST use to the client's token aggregate with an expected sequence.
 */
import type { Connection } from '../client/connection.ts';
import { fastLogin, passwordLogin } from '../client/login.ts';
import { mapLimit, sleep } from '../concurrency.ts';
import { rssSample, settle, type RssSample } from '../proc/meter.ts';
import { readRssKb } from '../proc/proc.ts';
import { round } from '../stats.ts';
import { accounts, endpointFor, type FigureContext } from './context.ts';

const MAX_ACCOUNTS = 100;
/**
 * Left out of the memory sum: `gatehouse start`'s supervisor and tsx's transpiler hold
 * nothing per session (a Kubernetes deployment has neither), and the supervisor's RSS
 * swings by ~90 MB with its own garbage collection, which swamped the figure. PostgreSQL
 * holds no more for an idle session than its row in the listing: its backends are one per
 * pooled connection, opened by the setup logins and closed by the pools' idle timeout
 * while the sessions open, which made the sum fall by ~40 MB (2026-12-07: -40 kB "per
 * session" at 1,000, so Gatehouse seemed to need a third of Prosody's memory).
 */
const NOT_PER_SESSION = new Set(['launcher', 'esbuild', 'postgres']);
const OPENERS = 20;

export interface MemoryLevel {
  target: number;
  /** Sessions actually open when memory was read (below target if the time bound hit). */
  sessions: number;
  rssKb: number;
  /** Above the fresh server's baseline, per session: includes heap the first sessions made the processes grow. */
  kbPerSession: number;
  /** From the previous level to this one, per added session: the cost of one more session. */
  marginalKbPerSession?: number;
  /** Per process role, on the same basis as the level's headline figure (baseline for the first level, marginal after). */
  byRoleKbPerSession: Record<string, number>;
  byRoleKb: Record<string, number>;
  openSeconds: number;
  clientRssKb: number;
}

export interface MemoryFigure {
  baselineRssKb: number;
  baselineByRoleKb: Record<string, number>;
  levels: MemoryLevel[];
  /** Why a level stopped short, if one did. */
  note?: string;
}

export interface MemoryOptions {
  levels: readonly number[];
  /** Bound on opening sessions for one level. */
  openTimeoutMs: number;
}

export async function idleSessionMemory(ctx: FigureContext, options: MemoryOptions): Promise<MemoryFigure> {
  // Up to 100 accounts, each driven by one opener: a small run uses fewer.
  const accountCount = Math.min(MAX_ACCOUNTS, ...options.levels);
  const users = accounts('mem', accountCount);
  await ctx.server.createAccounts(users);
  const tokens = await mapLimit(users, 8, async (account, i) => {
    const session = await passwordLogin({ endpoint: endpointFor(ctx.server, i), account, clientId: 'bench-memory', tag: 'setup', requestToken: true }, ctx.cache);
    await session.conn.close();
    if (!session.token) throw new Error(`${ctx.server.name} handed out no FAST token`);
    return session.token;
  });
  const baseline = await steadyRss(ctx);

  const open: Connection[] = [];
  const levels: MemoryLevel[] = [];
  let note: string | undefined;
  try {
    for (const target of options.levels) {
      const started = performance.now();
      const deadline = started + options.openTimeoutMs;
      const perAccount = Math.ceil((target - open.length) / accountCount);
      let failure: string | undefined;
      // Opener j owns accounts j, j + OPENERS, ...: never two logins of one client at once.
      await Promise.all(
        Array.from({ length: OPENERS }, async (_, opener) => {
          for (let a = opener; a < accountCount; a += OPENERS) {
            for (let k = 0; k < perAccount && open.length < target && performance.now() < deadline; k++) {
              try {
                const session = await fastLogin({ endpoint: endpointFor(ctx.server, a), account: users[a]!, clientId: 'bench-memory', tag: `s${open.length}x${a}` }, tokens[a]!);
                open.push(session.conn);
              } catch (error) {
                failure ??= (error as Error).message;
                return;
              }
            }
          }
        }),
      );
      const openSeconds = (performance.now() - started) / 1000;
      if (open.length < target) {
        const why = failure ? `a login failed: ${failure}` : `the ${options.openTimeoutMs / 1000} s bound on opening them was reached`;
        note = `stopped at ${open.length} of ${target} sessions: ${why}`;
      }
      levels.push(level(target, open.length, baseline, levels.at(-1), await steadyRss(ctx), openSeconds));
      ctx.log(`${ctx.server.name}: ${open.length} idle sessions, ${levels.at(-1)!.kbPerSession} kB each`);
      if (open.length < target) break;
    }
  } finally {
    for (const conn of open) conn.destroy();
  }
  return { baselineRssKb: baseline.totalKb, baselineByRoleKb: baseline.byRole, levels, ...(note ? { note } : {}) };
}

/**
 * Resident memory once the servers are quiet: after their CPU settles, a pause for lazy
 * collectors (V8's memory reducer, Lua's incremental GC) to run, then the median of five
 * samples, as one reading jumps with whatever a collector just returned to the system.
 */
async function steadyRss(ctx: FigureContext): Promise<RssSample> {
  await settle(() => ctx.server.processes(), { maxMs: 10_000 });
  await sleep(3_000);
  const samples: RssSample[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(400);
    samples.push(rssSample(ctx.server.processes().filter(({ role }) => !NOT_PER_SESSION.has(role))));
  }
  return samples.sort((a, b) => a.totalKb - b.totalKb)[2]!;
}

function level(target: number, sessions: number, baseline: RssSample, previous: MemoryLevel | undefined, now: RssSample, openSeconds: number): MemoryLevel {
  const from = previous ? { totalKb: previous.rssKb, byRole: previous.byRoleKb } : baseline;
  const added = sessions - (previous?.sessions ?? 0);
  const perAdded = (kb: number) => round(kb / added, 2);
  return {
    target,
    sessions,
    rssKb: now.totalKb,
    kbPerSession: round((now.totalKb - baseline.totalKb) / sessions, 2),
    ...(previous ? { marginalKbPerSession: perAdded(now.totalKb - previous.rssKb) } : {}),
    byRoleKbPerSession: Object.fromEntries(Object.keys(now.byRole).map((role) => [role, perAdded((now.byRole[role] ?? 0) - (from.byRole[role] ?? 0))])),
    byRoleKb: now.byRole,
    openSeconds: round(openSeconds, 1),
    clientRssKb: readRssKb(process.pid),
  };
}
