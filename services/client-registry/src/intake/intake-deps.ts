import type { GatehouseEvent, UserAgent } from '@gatehouse/events';
import type { ClientKey } from '../client/client.ts';
import type { AccountFacts, ClientCommand } from '../client/decide.ts';
import type { ClientView } from '../store/client-view.ts';
import type { ClientHandler } from '../store/handler.ts';
import { derivedEventId } from './event-id.ts';
import type { KeyedQueue } from '@gatehouse/event-store';

/** What turning other services' events into client commands needs; fakes in unit tests. */
export interface IntakeDeps {
  execute: ClientHandler;
  view: Pick<ClientView, 'get' | 'state' | 'clientsOf'>;
  /** The account's own events folded (accounts stream): read only when a client would be created. */
  accountFacts(jid: string): Promise<AccountFacts>;
  /**
   * Per account, one command at a time: the sessions, tokens and accounts streams are read
   * by three consumers at once, and interleaved commands could create a client from history
   * fetched just before a password change was told to the clients the view knew of.
   */
  lock: KeyedQueue;
  /** CLIENT_REGISTRY_MAX_CLIENTS_PER_ACCOUNT: past it, idle clients are forgotten (client-limit.ts). */
  maxClientsPerAccount: number;
}

/** Executes a command on behalf of `source`, so handling that event again stores nothing twice. */
export function recordFor(deps: IntakeDeps, source: Pick<GatehouseEvent, 'id'>) {
  return (command: ClientCommand) => deps.execute(command, { eventId: (fact) => derivedEventId(source.id, fact) });
}

/** The account's facts, fetched only when the client is not known yet. */
export async function factsIfNew(deps: IntakeDeps, key: ClientKey): Promise<{ account?: AccountFacts }> {
  return deps.view.get(key).state.status === 'unknown' ? { account: await deps.accountFacts(key.jid) } : {};
}

/** XEP-0388 children the client left empty are not worth keeping. */
export function cleanUserAgent(agent: { software?: string; device?: string; uri?: string } | undefined): UserAgent | undefined {
  if (!agent) return undefined;
  const entries = Object.entries(agent).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '');
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as UserAgent);
}
