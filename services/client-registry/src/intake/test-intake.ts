import { createEvent, namesFor, type EventDataMap, type EventType, type GatehouseEvent } from '@gatehouse/events';
import type { AccountFacts } from '../client/decide.ts';
import { ClientView } from '../store/client-view.ts';
import { createClientHandler } from '../store/handler.ts';
import { MemoryClientStream } from '../store/memory-client-stream.ts';
import type { IntakeDeps } from './intake-deps.ts';
import { KeyedLock } from './keyed-lock.ts';
import type { LegacyIds } from './legacy-ids.ts';

const names = namesFor('unit');

/** An intake wired to in-memory stand-ins: sessions' histories and accounts' facts are what the test says. */
export function testIntake(options: { enforceClientIds?: boolean; account?: AccountFacts; maxClientsPerAccount?: number } = {}) {
  const stream = new MemoryClientStream();
  const view = new ClientView();
  const histories = new Map<string, GatehouseEvent[]>();
  const legacy = new Map<string, string>();
  let next = 0;
  const legacyIds: LegacyIds = {
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
    sessionHistory: async (sessionId) => histories.get(sessionId) ?? [],
    legacyIds,
    enforceClientIds: options.enforceClientIds ?? false,
    maxClientsPerAccount: options.maxClientsPerAccount ?? 64,
    lock: new KeyedLock(),
  };
  return { deps, stream, view, histories, legacy, facts: () => stream.stored.map((entry) => entry.fact) };
}

/** A stored event as another service would have written it. */
export function sourceEvent<Type extends EventType>(type: Type, data: EventDataMap[Type], time: string): GatehouseEvent {
  return createEvent(type, { subject: names.subjects.session('AAAAAAAAAAAAAAAAAAAAAA'), source: 'gatehouse/test', data, time });
}
