/**
 * Rounds: in each, Prosody then Gatehouse, each started fresh, runs figures 1, 2, 4, 5
 * and 6; then each is started fresh again for figure 3, which needs a server nothing
 * else has touched. A figure that fails is recorded and the others still run.
 */
import { ScramKeyCache } from './client/scram.ts';
import { NotSupportedError } from './client/iq.ts';
import type { FigureContext } from './figures/context.ts';
import { fastLogins, loginAccounts, passwordLogins, type FastFigure, type LoginFigure } from './figures/logins.ts';
import { idleSessionMemory, type MemoryFigure } from './figures/memory.ts';
import { messageAccounts, messaging, type MessageFigure } from './figures/messages.ts';
import { clientListing, type ListingFigure } from './figures/listing.ts';
import { revokeLatency, type RevokeFigure } from './figures/revoke.ts';
import type { BenchOptions, FigureNumber } from './options.ts';
import type { BenchServer, ServerName } from './servers/server.ts';

export interface FigureResults {
  logins: LoginFigure;
  fast: FastFigure;
  memory: MemoryFigure;
  messages: MessageFigure;
  revoke: RevokeFigure;
  listing: ListingFigure;
}
export type FigureKey = keyof FigureResults;

export interface ServerRound {
  figures: Partial<FigureResults>;
  /** Figure → why it did not run on this server. */
  skipped: Partial<Record<FigureKey, string>>;
  /** Figure → the error it failed with. */
  errors: Partial<Record<FigureKey, string>>;
}

export interface RoundResult {
  round: number;
  servers: Partial<Record<ServerName, ServerRound>>;
}

export interface RunHooks {
  servers: readonly ServerName[];
  start(name: ServerName): Promise<BenchServer>;
  log(message: string): void;
}

async function withServer(hooks: RunHooks, name: ServerName, body: (server: BenchServer) => Promise<void>): Promise<void> {
  const server = await hooks.start(name);
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

async function guard<K extends FigureKey>(target: ServerRound, key: K, log: (message: string) => void, run: () => Promise<FigureResults[K]>): Promise<void> {
  const started = performance.now();
  try {
    target.figures[key] = await run();
    log(`${key} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    if (error instanceof NotSupportedError) {
      target.skipped[key] = error.message;
      log(`${key} skipped: ${error.message}`);
      return;
    }
    target.errors[key] = error instanceof Error ? error.message : String(error);
    log(`${key} FAILED: ${target.errors[key]}`);
  }
}

async function mainFigures(options: BenchOptions, server: BenchServer, result: ServerRound, log: (message: string) => void): Promise<void> {
  const ctx: FigureContext = { server, durationMs: options.durationMs, cache: new ScramKeyCache(), log };
  await server.createAccounts([...loginAccounts(), ...messageAccounts()]);
  if (options.figures.has(1)) await guard(result, 'logins', log, () => passwordLogins(ctx));
  if (options.figures.has(2)) await guard(result, 'fast', log, () => fastLogins(ctx, result.figures.logins));
  if (options.figures.has(4)) await guard(result, 'messages', log, () => messaging(ctx));
  if (options.figures.has(5)) await guard(result, 'revoke', log, () => revokeLatency(ctx));
  if (options.figures.has(6)) {
    const management = server.clientManagement;
    if (management) await guard(result, 'listing', log, () => clientListing(ctx, management, options.listClients));
    else result.skipped.listing = `${server.name} keeps no separate client-listing read model whose lag could be measured`;
  }
}

export async function runRounds(options: BenchOptions, hooks: RunHooks): Promise<RoundResult[]> {
  const rounds: RoundResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const result: RoundResult = { round, servers: {} };
    rounds.push(result);
    for (const name of hooks.servers) {
      const target: ServerRound = { figures: {}, skipped: {}, errors: {} };
      result.servers[name] = target;
      const log = (message: string) => hooks.log(`round ${round} ${name}: ${message}`);
      if ([1, 2, 4, 5, 6].some((figure) => options.figures.has(figure as FigureNumber))) {
        await withServer(hooks, name, (server) => mainFigures(options, server, target, log));
      }
    }
    if (options.figures.has(3)) {
      for (const name of hooks.servers) {
        const log = (message: string) => hooks.log(`round ${round} ${name}: ${message}`);
        await withServer(hooks, name, async (server) => {
          const ctx: FigureContext = { server, durationMs: options.durationMs, cache: new ScramKeyCache(), log };
          const levels = round <= options.bigRounds ? options.sessions : options.sessions.slice(0, 1);
          await guard(result.servers[name]!, 'memory', log, () => idleSessionMemory(ctx, { levels, openTimeoutMs: options.openTimeoutMs }));
        });
      }
    }
  }
  return rounds;
}
