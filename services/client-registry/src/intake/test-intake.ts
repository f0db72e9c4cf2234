import type { LegacyClientIds } from '@gatehouse/bus';
import { createMemoryEventStore, KeyedQueue, MemoryEventLog } from '@gatehouse/event-store';
import { createEvent, isClientEvent, namesFor, type ClientEvent, type EventDataMap, type EventType, type GatehouseEvent } from '@gatehouse/events';
import { clientAggregate } from '../client/aggregate.ts';
import { initialState, type ClientKey, type ClientState } from '../client/client.ts';
import type { AccountFacts, ClientCommand } from '../client/decide.ts';
import { withLogins } from '../client/with-logins.ts';
import { PreV2Sessions } from '../logins/pre-v2-sessions.ts';
import { SessionReader } from '../logins/session-reader.ts';
import { TestLogins } from '../logins/test-logins.ts';
import { OverLimitAccounts } from './client-limit.ts';
import { foldClients, registrySource } from '../store/clients.ts';
import type { IntakeDeps } from './intake-deps.ts';
import { SessionIntake } from './session-intake.ts';

const names = namesFor('unit');

/** The stored client events of one account, oldest first, as its wildcard subject reads them. */
export function accountEvents(log: MemoryEventLog, jid: string): GatehouseEvent[] {
  const prefix = names.subjects.accountClients(jid).slice(0, -1);
  return log.stored.map(({ event }) => event).filter((event) => event.subject.startsWith(prefix));
}

/**
 * An intake wired to in-memory stand-ins: the clients stream is a MemoryEventLog, the
 * projections service's login facts are folded from the session events handled (TestLogins),
 * and sessions' histories and accounts' facts are what the test says. `sessions.handle`
 * numbers the events it is given as the sessions stream would.
 */
export function testIntake(options: { enforceClientIds?: boolean; account?: AccountFacts; maxClientsPerAccount?: number } = {}) {
  const log = new MemoryEventLog();
  const clients = createMemoryEventStore(clientAggregate(names), { log, source: registrySource, clock: () => new Date('2025-03-01T12:00:00.000Z'), retryJitterMs: 0 });
  const logins = new TestLogins();
  const preV2 = new PreV2Sessions();
  const loginsOf = (jid: string) => {
    syncForgotten();
    return preV2.addTo(jid, logins.ofAccount(jid));
  };
  const histories = new Map<string, GatehouseEvent[]>();
  const legacy = new Map<string, string>();
  let next = 0;
  const legacyIds: LegacyClientIds = {
    async idFor(fullJid) {
      if (!legacy.has(fullJid)) legacy.set(fullJid, `legacy${String(++next).padStart(6, '0')}`);
      return legacy.get(fullJid)!;
    },
    find: async (fullJid) => legacy.get(fullJid),
  };
  // The projections service forgets a forgotten client's logins too.
  let forgottenUpTo = 0;
  const syncForgotten = () => {
    for (const { event } of log.stored.slice(forgottenUpTo)) if (event.type === 'gatehouse.client.forgotten.v1') logins.forget(event.data, event.time);
    forgottenUpTo = log.stored.length;
  };
  const deps: IntakeDeps = {
    clients,
    clientsOf: async (jid) => foldClients(accountEvents(log, jid)),
    clientCount: async (jid) => new Set(accountEvents(log, jid).map((event) => event.subject)).size,
    loginsOf: async (jid) => loginsOf(jid),
    accountFacts: async () => options.account ?? {},
    maxClientsPerAccount: options.maxClientsPerAccount ?? 64,
    overLimit: new OverLimitAccounts(),
    lock: new KeyedQueue(),
  };
  const readerDeps = { legacyIds, enforceClientIds: options.enforceClientIds ?? false, sessionHistory: async (sessionId: string) => histories.get(sessionId) ?? [] };
  const intake = new SessionIntake(deps, new SessionReader({ ...readerDeps, preV2 }));
  // The projection reads the sessions stream on its own: a reader of its own here.
  const projectionReader = new SessionReader({ ...readerDeps, preV2: new PreV2Sessions() });
  const sequences = new Map<string, number>();
  const sessions = {
    /** An event handled again (same id) keeps its stream sequence, as a redelivery does. */
    handle: async (event: GatehouseEvent) => {
      const seq = sequences.get(event.id) ?? sequences.size + 1;
      sequences.set(event.id, seq);
      logins.apply(await projectionReader.read(event), seq);
      await intake.handle(event);
    },
  };
  /** The client as the registry decides a revocation on it: its record with its logins. */
  const state = (key: ClientKey): ClientState => withLogins(foldClients(accountEvents(log, key.jid)).get(key.clientId) ?? initialState(), loginsOf(key.jid).get(key.clientId));
  const view = {
    state,
    statesOf: (jid: string): [string, ClientState][] => [...foldClients(accountEvents(log, jid)).keys()].map((clientId) => [clientId, state({ jid, clientId })]),
  };
  return {
    deps,
    log,
    view,
    logins,
    sessions,
    histories,
    legacy,
    execute: (command: ClientCommand) => clients.execute(command, command),
    facts: () => log.stored.map(({ event }) => event).filter((event): event is ClientEvent => isClientEvent(event)),
  };
}

/** A stored event as another service would have written it. */
export function sourceEvent<Type extends EventType>(type: Type, data: EventDataMap[Type], time: string): GatehouseEvent {
  return createEvent(type, { subject: names.subjects.session('AAAAAAAAAAAAAAAAAAAAAA'), source: 'gatehouse/test', data, time });
}
