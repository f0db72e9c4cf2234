/**
 * Figures 1 and 2: logins per second with 8 parallel clients spread over the replicas,
 * each login a fresh TLS connection, SASL2 (SCRAM-SHA-256 or FAST HT-SHA-256-NONE),
 * Bind 2, then a closed stream; and the server CPU each login costs.
 */
import { pbkdf2Sync } from 'node:crypto';
import { fastLogin, passwordLogin, type Account, type LoginRequest } from '../client/login.ts';
import { settle } from '../proc/meter.ts';
import { latencySummary, median, round } from '../stats.ts';
import { accounts, cpuPerOperation, endpointFor, measure, runFor, type FigureContext } from './context.ts';

export const LOGIN_WORKERS = 8;
const WARMUP_MS = 1_000;

export interface LoginFigure {
  logins: number;
  loginsPerS: number;
  serverCpuMsPerLogin: number;
  byRoleMsPerLogin: Record<string, number>;
  clientCpuMsPerLogin: number;
  latency: ReturnType<typeof latencySummary>;
}

export function loginAccounts(): Account[] {
  return accounts('login', LOGIN_WORKERS);
}

type LoginOnce = (worker: number, turn: number) => Promise<number>;

async function loginFigure(ctx: FigureContext, label: string, once: LoginOnce): Promise<LoginFigure> {
  // Warm caches and JITs on both sides, and fill the client's SCRAM key cache.
  await runFor(WARMUP_MS, LOGIN_WORKERS, async (worker, turn) => void (await once(worker, -1 - turn)));
  const latencies: number[] = [];
  const measured = await measure(ctx.server, label, () => runFor(ctx.durationMs, LOGIN_WORKERS, async (worker, turn) => void latencies.push(await once(worker, turn))));
  const logins = latencies.length;
  const cpu = cpuPerOperation(measured.server, logins);
  return {
    logins,
    loginsPerS: round((logins * 1000) / measured.wallMs, 1),
    serverCpuMsPerLogin: cpu.serverCpuMsPerOp,
    byRoleMsPerLogin: cpu.byRoleMsPerOp,
    clientCpuMsPerLogin: round(measured.clientCpuMs / logins),
    latency: latencySummary(latencies),
  };
}

/** Each login binds a resource of its own (its Bind 2 tag), so no login replaces another's session. */
function request(ctx: FigureContext, account: Account, worker: number, turn: number): LoginRequest {
  return { endpoint: endpointFor(ctx.server, worker), account, clientId: `bench-login-${worker}`, tag: `t${turn}` };
}

export async function passwordLogins(ctx: FigureContext): Promise<LoginFigure> {
  const users = loginAccounts();
  return loginFigure(ctx, 'logins', async (worker, turn) => {
    const session = await passwordLogin(request(ctx, users[worker]!, worker, turn), ctx.cache);
    await session.conn.close();
    return session.loginMs;
  });
}

export interface FastFigure extends LoginFigure {
  /** What FAST saves a client, measured on this machine (the server's work is about the same). */
  clientSaving: {
    /** PBKDF2-SHA-256, 4096 iterations: what a client without a key cache pays per password login. */
    pbkdf2Ms: number;
    /** Client CPU per password login with the key cache, for comparison with this figure's (figure 1 ran). */
    passwordClientCpuMsPerLogin?: number;
    /** Login time, one login at a time (median): password (SCRAM, two round trips) and FAST (one). */
    passwordP50Ms: number;
    fastP50Ms: number;
    /** What a user waits less with FAST. */
    latencyP50SavedMs: number;
  };
}

export async function fastLogins(ctx: FigureContext, password: LoginFigure | undefined): Promise<FastFigure> {
  const users = loginAccounts();
  const tokens: string[] = [];
  for (let worker = 0; worker < LOGIN_WORKERS; worker++) {
    const session = await passwordLogin({ ...request(ctx, users[worker]!, worker, 0), requestToken: true }, ctx.cache);
    await session.conn.close();
    if (!session.token) throw new Error(`${ctx.server.name} handed out no FAST token`);
    tokens[worker] = session.token;
  }
  const figure = await loginFigure(ctx, 'fast', async (worker, turn) => {
    const session = await fastLogin(request(ctx, users[worker]!, worker, turn), tokens[worker]!);
    await session.conn.close();
    return session.loginMs;
  });
  // Unloaded means the servers have finished what the load queued, too.
  await settle(() => ctx.server.processes(), { maxMs: 30_000 });
  const unloaded = await unloadedLatency(ctx, users[0]!, tokens[0]!);
  return {
    ...figure,
    clientSaving: {
      pbkdf2Ms: round(pbkdf2CostMs()),
      ...(password ? { passwordClientCpuMsPerLogin: password.clientCpuMsPerLogin } : {}),
      passwordP50Ms: round(unloaded.password),
      fastP50Ms: round(unloaded.fast),
      latencyP50SavedMs: round(unloaded.password - unloaded.fast),
    },
  };
}

/** One login at a time, alternating password and FAST: what a user waits, without the queueing of the loaded runs. */
async function unloadedLatency(ctx: FigureContext, account: Account, token: string, rounds = 15): Promise<{ password: number; fast: number }> {
  const password: number[] = [];
  const fast: number[] = [];
  for (let turn = 0; turn < rounds; turn++) {
    const viaPassword = await passwordLogin(request(ctx, account, 0, 10_000 + turn), ctx.cache);
    await viaPassword.conn.close();
    password.push(viaPassword.loginMs);
    const viaFast = await fastLogin(request(ctx, account, 0, 20_000 + turn), token);
    await viaFast.conn.close();
    fast.push(viaFast.loginMs);
  }
  return { password: median(password), fast: median(fast) };
}

function pbkdf2CostMs(runs = 20): number {
  const started = performance.now();
  for (let i = 0; i < runs; i++) pbkdf2Sync('bench-password', `salt${i}`, 4096, 32, 'sha256');
  return (performance.now() - started) / runs;
}
