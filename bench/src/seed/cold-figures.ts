/**
 * Phase 4's figures, one request at a time (what one user waits, without queueing):
 * - the first login of accounts nobody touched since they were created (password,
 *   SCRAM-SHA-256, Bind 2, a new client id): whatever a service must find about the
 *   account, it has not looked at it before;
 * - a roster owner logs in, gets its roster (jabber:iq:roster, RFC 6121 §2.2) for the
 *   first time since the seed (cold), then again (warm); each answer must hold the
 *   seeded contacts.
 * The client's PBKDF2 is done before the clock runs (its key cache), so the times are the
 * server's and the wire's.
 */
import type { Endpoint } from '../client/connection.ts';
import { iq } from '../client/iq.ts';
import { passwordLogin, type Account } from '../client/login.ts';
import { ScramKeyCache } from '../client/scram.ts';
import { latencySummary } from '../stats.ts';
import { SEED_PASSWORD } from './credentials.ts';
import { clientIdOf } from './ids.ts';
import { userOf, type SeedCounts } from './layout.ts';

type Latency = ReturnType<typeof latencySummary>;

export interface ColdFigures {
  coldLogin?: Latency & { failures: number };
  rosterOwnerLogin?: Latency;
  rosterCold?: Latency;
  rosterWarm?: Latency;
  /** Roster answers that did not hold the seeded contacts, or failed. */
  rosterFailures?: number;
  errors: string[];
}

const ROSTER_GET = "<query xmlns='jabber:iq:roster'/>";
const IQ_TIMEOUT_MS = 30_000;
/** Beyond this many failed logins the figure would describe failures, not logins. */
const MAX_FAILURES = 5;

export class SeedFigureError extends Error {
  readonly code = 'seed-figure-failed';
  constructor(message: string) {
    super(message);
    this.name = 'SeedFigureError';
  }
}

export interface ColdRequest {
  endpoints: readonly Endpoint[];
  counts: SeedCounts;
  /** The SCRAM-SHA-256 salt every seeded account has (credentials.ts). */
  salt: string;
  iterations: number;
  coldAccounts: readonly number[];
  rosterOwners: readonly number[];
  log(message: string): void;
}

export async function coldFigures(request: ColdRequest): Promise<ColdFigures> {
  const cache = new ScramKeyCache();
  const account = (i: number): Account => ({ user: userOf(i), password: SEED_PASSWORD });
  for (const i of [...request.coldAccounts, ...request.rosterOwners]) cache.get(userOf(i), SEED_PASSWORD, request.salt, request.iterations);
  const endpoint = (i: number) => request.endpoints[i % request.endpoints.length]!;
  const figures: ColdFigures = { errors: [] };

  if (request.coldAccounts.length > 0) {
    const times: number[] = [];
    let failures = 0;
    for (const [n, i] of request.coldAccounts.entries()) {
      try {
        const session = await passwordLogin({ endpoint: endpoint(n), account: account(i), clientId: 'seed-bench-cold', tag: 'cold' }, cache);
        times.push(session.loginMs);
        await session.conn.close();
      } catch (error) {
        failures++;
        figures.errors.push(`cold login of ${userOf(i)}: ${(error as Error).message}`);
        if (failures > MAX_FAILURES) throw new SeedFigureError(`more than ${MAX_FAILURES} cold logins failed; last: ${(error as Error).message}`);
      }
    }
    figures.coldLogin = { ...latencySummary(times), failures };
    request.log(`cold logins: p50 ${figures.coldLogin.p50Ms} ms, p99 ${figures.coldLogin.p99Ms} ms (${failures} failed)`);
  }

  if (request.rosterOwners.length > 0) {
    const logins: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    let failures = 0;
    for (const [n, owner] of request.rosterOwners.entries()) {
      try {
        // Its own seeded client when it has one: a user coming back on the device it used.
        const clientId = owner < request.counts.clients ? clientIdOf(owner) : 'seed-bench-roster';
        const session = await passwordLogin({ endpoint: endpoint(n), account: account(owner), clientId, tag: 'roster' }, cache);
        logins.push(session.loginMs);
        try {
          for (const into of [cold, warm]) {
            const reply = await iq(session.conn, 'get', ROSTER_GET, IQ_TIMEOUT_MS);
            const items = reply.xml.match(/<item\b/g)?.length ?? 0;
            if (reply.type !== 'result' || items !== request.counts.contacts) {
              throw new SeedFigureError(`roster of ${userOf(owner)}: ${reply.type} with ${items} items, expected ${request.counts.contacts}`);
            }
            into.push(reply.ms);
          }
        } finally {
          await session.conn.close();
        }
      } catch (error) {
        failures++;
        figures.errors.push(`roster of ${userOf(owner)}: ${(error as Error).message}`);
        if (failures > MAX_FAILURES) throw new SeedFigureError(`more than ${MAX_FAILURES} roster gets failed; last: ${(error as Error).message}`);
      }
    }
    figures.rosterOwnerLogin = latencySummary(logins);
    figures.rosterCold = latencySummary(cold);
    figures.rosterWarm = latencySummary(warm);
    figures.rosterFailures = failures;
    request.log(`roster gets: cold p50 ${figures.rosterCold.p50Ms} ms, warm p50 ${figures.rosterWarm.p50Ms} ms (${failures} failed)`);
  }
  return figures;
}
