export {
  isRefusal,
  plainStateJson,
  type AggregateDefinition,
  type EventStore,
  type ExecuteOptions,
  type Fact,
  type Known,
  type Outcome,
  type Refusal,
  type StateJson,
  type Stored,
} from './definition.ts';
export type { EventStoreHooks, EventStoreOptions } from './store.ts';
export { createNatsEventStore, type NatsEventStoreOptions } from './nats-store.ts';
export { createMemoryEventStore, MemoryEventLog } from './memory-store.ts';
export { snapshotKey } from './snapshots.ts';
export { KeyedQueue } from './keyed-queue.ts';
