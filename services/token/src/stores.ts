import { readAggregate, type NatsConnection } from '@gatehouse/bus';
import { createNatsEventStore, type EventStore } from '@gatehouse/event-store';
import { namesFor, type AccountEvent, type FastTokenEvent, type GatehouseEvent, type GrantEvent } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { AccountState } from './account/account.ts';
import type { AccountCommand } from './account/decide.ts';
import { accountAggregate, fastTokenAggregate, grantAggregate, tokenSource } from './aggregates.ts';
import type { ClientKey } from './client-key.ts';
import type { FastTokenCommand } from './fast/decide.ts';
import type { FastTokenState } from './fast/fast-token.ts';
import type { GrantCommand } from './grant/decide.ts';
import type { GrantState } from './grant/grant.ts';

/** Every event stored on one wildcard subject, in stream order. */
export type ReadSubjects = (filter: string) => Promise<GatehouseEvent[]>;

/** The service's three aggregate kinds, loaded on demand, and wildcard reads of the tokens stream. */
export interface TokenStores {
  accounts: EventStore<string, AccountCommand, AccountState, AccountEvent>;
  grants: EventStore<ClientKey, GrantCommand, GrantState, GrantEvent>;
  tokens: EventStore<ClientKey, FastTokenCommand, FastTokenState, FastTokenEvent>;
  /** One account's grants or FAST tokens (`grantsOf`, `fastTokensOf` of namesFor): one consumer with one filter, as nats-server 2.9 allows. */
  readTokens: ReadSubjects;
}

export interface StoreOptions {
  clock: () => Date;
  logger: Logger;
  /** Bytes of state each of the three caches may hold (EventStoreOptions.cacheBytes). */
  cacheBytes: number;
}

/** FAST token slots gain an event at every rotation and counted login: long-lived clients are loaded from a snapshot. */
const FAST_TOKEN_SNAPSHOT_EVERY = 100;

export async function natsTokenStores(nc: NatsConnection, ns: string, { clock, logger, cacheBytes }: StoreOptions): Promise<TokenStores> {
  const names = namesFor(ns);
  const common = { source: tokenSource, clock, logger, cacheBytes };
  const [accounts, grants, tokens] = await Promise.all([
    createNatsEventStore(nc, accountAggregate(ns), { ...common, stream: names.streams.accounts }),
    createNatsEventStore(nc, grantAggregate(ns), { ...common, stream: names.streams.tokens }),
    createNatsEventStore(nc, fastTokenAggregate(ns), {
      ...common,
      stream: names.streams.tokens,
      snapshots: { bucket: names.buckets.fastTokenSnapshots, every: FAST_TOKEN_SNAPSHOT_EVERY },
    }),
  ]);
  return { accounts, grants, tokens, readTokens: async (filter) => (await readAggregate(nc, names.streams.tokens, filter)).events };
}
