import type { KeyedQueue } from '@gatehouse/event-store';
import type { GatehouseEvent, UserAgent } from '@gatehouse/events';
import type { ClientKey } from '../client/client.ts';
import type { AccountFacts, ClientCommand } from '../client/decide.ts';
import type { AccountLogins } from '../logins/login-facts.ts';
import type { AccountClients, ClientStore } from '../store/clients.ts';
import type { OverLimitAccounts } from './client-limit.ts';
import { derivedEventId } from './event-id.ts';

/** What turning other services' events into client commands needs; in-memory stand-ins in unit tests. */
export interface IntakeDeps {
  clients: ClientStore;
  /** Every client of the account with a history, read from the stream when asked. */
  clientsOf: AccountClients;
  /** How many clients of the account have a history (forgotten ones too): a bound on the known ones, cheaper than reading them. */
  clientCount(jid: string): Promise<number>;
  /** What the account's clients' logins changed (projections.clients.logins). */
  loginsOf(jid: string): Promise<AccountLogins>;
  /** The account's own events folded (accounts stream): read only when a client would be created. */
  accountFacts(jid: string): Promise<AccountFacts>;
  /**
   * Per account, one command at a time on this replica: the sessions, tokens and accounts
   * streams are read by three consumers at once. Another replica's commands are not held
   * back by it: new-client.ts closes the race it leaves.
   */
  lock: KeyedQueue;
  /** CLIENT_REGISTRY_MAX_CLIENTS_PER_ACCOUNT: past it, idle clients are forgotten (client-limit.ts). */
  maxClientsPerAccount: number;
  overLimit: OverLimitAccounts;
}

/** Executes a command on behalf of `source`, so handling that event again stores nothing twice. */
export function recordFor(deps: IntakeDeps, source: Pick<GatehouseEvent, 'id'>) {
  return (command: ClientCommand) => deps.clients.execute(command, command, { eventId: (fact) => derivedEventId(source.id, fact) });
}

export type Recorder = ReturnType<typeof recordFor>;

/** The account's facts, fetched only when the client is not known yet. */
export async function factsIfNew(deps: IntakeDeps, key: ClientKey): Promise<{ account?: AccountFacts }> {
  return (await deps.clients.read(key)).state.status === 'unknown' ? { account: await deps.accountFacts(key.jid) } : {};
}

/** XEP-0388 children the client left empty are not worth keeping. */
export function cleanUserAgent(agent: { software?: string; device?: string; uri?: string } | undefined): UserAgent | undefined {
  if (!agent) return undefined;
  const entries = Object.entries(agent).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '');
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as UserAgent);
}
