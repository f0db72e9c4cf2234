import type { Endpoint } from '../client/connection.ts';
import type { Account } from '../client/login.ts';
import type { TrackedProcess } from '../proc/meter.ts';

export type ServerName = 'gatehouse' | 'prosody';

/** A server under test, started fresh for one round and stopped after it. */
export interface BenchServer {
  readonly name: ServerName;
  /** One per replica; clients spread over them (Prosody has one). */
  readonly endpoints: readonly Endpoint[];
  /** Every process whose CPU and memory count as the server's, read again at each snapshot. */
  processes(): TrackedProcess[];
  /** Accounts with these passwords (SCRAM-SHA-256, 4096 iterations on both servers). */
  createAccounts(accounts: readonly Account[]): Promise<void>;
  /**
   * Only when profiling was asked for: starts the CPU profilers of the server's processes,
   * or stops them and writes profiles named after `label` (the figure).
   */
  profile?(action: 'start' | 'stop', label: string): Promise<void>;
  /** Client management (list/revoke) and its read model, for figures 5 and 6. */
  readonly clientManagement?: ClientManagementHooks;
  stop(): Promise<void>;
}

export interface ClientManagementHooks {
  /**
   * Reports the arrival time (performance.now) of every client event published for the
   * account: the facts the client listing is built from. Returns a stop function.
   */
  watchClientEvents(jid: string, onEvent: (clientId: string, at: number) => void): Promise<() => Promise<void>>;
  /** Which of `clientIds` the client-listing read model shows for the account right now. */
  listed(jid: string, clientIds: readonly string[]): Promise<string[]>;
}

export class ServerStartError extends Error {
  readonly code = 'server-start-failed';
  constructor(message: string) {
    super(message);
    this.name = 'ServerStartError';
  }
}

export interface PortPlan {
  /** Gatehouse replica 0 c2s (STARTTLS); its direct TLS is +1, HTTP +58, replica i +100·i. */
  gatehouseBase: number;
  /** The private NATS server `gatehouse start` runs for the bench. */
  nats: number;
  /** Prosody direct TLS (its STARTTLS port is one below). */
  prosodyTls: number;
}

export function portPlan(base: number): PortPlan {
  return { gatehouseBase: base, nats: base + 2, prosodyTls: base + 301 };
}
