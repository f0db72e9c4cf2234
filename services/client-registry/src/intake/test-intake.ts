import { createEvent, namesFor, type EventDataMap, type EventType, type GatehouseEvent } from '@gatehouse/events';
import type { AccountFacts } from '../client/decide.ts';
import { LoginView } from '../logins/login-view.ts';
import { SessionReader } from '../logins/session-reader.ts';
import { ClientView } from '../store/client-view.ts';
import { createClientHandler } from '../store/handler.ts';
import { MemoryClientStream } from '../store/memory-client-stream.ts';
import type { IntakeDeps } from './intake-deps.ts';
import { KeyedQueue } from '@gatehouse/event-store';
import type { LegacyClientIds } from '@gatehouse/bus';
import { SessionIntake } from './session-intake.ts';

const names = namesFor('unit');

/**
 * An intake wired to in-memory stand-ins: sessions' histories and accounts' facts are what
 * the test says. `sessions.handle` numbers the events it is given as the sessions stream would.
 */
export function testIntake(options: { enforceClientIds?: boolean; account?: AccountFacts; maxClientsPerAccount?: number } = {}) {
  const stream = new MemoryClientStream();
  const logins = new LoginView();
  const view = new ClientView(logins);
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
  const deps: IntakeDeps = {
    execute: createClientHandler({ view, stream, clock: () => new Date('2025-03-01T12:00:00.000Z') }),
    view,
    accountFacts: async () => options.account ?? {},
    maxClientsPerAccount: options.maxClientsPerAccount ?? 64,
    lock: new KeyedQueue(),
  };
  const reader = new SessionReader({
    logins,
    legacyIds,
    enforceClientIds: options.enforceClientIds ?? false,
    nameLegacyClients: true,
    sessionHistory: async (sessionId) => histories.get(sessionId) ?? [],
  });
  const intake = new SessionIntake(deps, logins, reader);
  const sequences = new Map<string, number>();
  const sessions = {
    /** An event handled again (same id) keeps its stream sequence, as a redelivery does. */
    handle: (event: GatehouseEvent) => {
      const seq = sequences.get(event.id) ?? sequences.size + 1;
      sequences.set(event.id, seq);
      return intake.handle(event, seq);
    },
  };
  return { deps, stream, view, logins, sessions, histories, legacy, facts: () => stream.stored.map((entry) => entry.fact) };
}

/** A stored event as another service would have written it. */
export function sourceEvent<Type extends EventType>(type: Type, data: EventDataMap[Type], time: string): GatehouseEvent {
  return createEvent(type, { subject: names.subjects.session('AAAAAAAAAAAAAAAAAAAAAA'), source: 'gatehouse/test', data, time });
}
