/**
 * Phase 2: accounts, then rosters, then clients, each kind published as fast as the
 * window allows, straight onto the namespace's streams (no service runs meanwhile).
 */
import { ensureStreams, managerOf, type NatsConnection } from '@gatehouse/bus';
import { commonEnv } from '@gatehouse/config';
import type { GatehouseEvent } from '@gatehouse/events';
import { round } from '../stats.ts';
import { accountCreated, clientLogin, rosterSynced, type SeedContext } from './events.ts';
import { publishAll } from './publisher.ts';

export interface SeededKind {
  kind: 'accounts' | 'rosters' | 'clients';
  /** Aggregates made: accounts, rosters or clients. */
  items: number;
  events: number;
  byType: Record<string, number>;
  seconds: number;
  eventsPerS: number;
  duplicates: number;
  retries: number;
}

export interface StreamSize {
  stream: string;
  messages: number;
  bytes: number;
}

function* range<T>(count: number, make: (i: number) => T | T[]): Generator<T> {
  for (let i = 0; i < count; i++) {
    const made = make(i);
    if (Array.isArray(made)) yield* made;
    else yield made;
  }
}

/** The services' own defaults (commonEnv), so their ensureStreams at start finds nothing to change. */
function defaultLimits() {
  return {
    STREAM_SESSIONS_MAX_AGE_S: commonEnv.STREAM_SESSIONS_MAX_AGE_S.parse(undefined),
    STREAM_SESSIONS_MAX_BYTES: commonEnv.STREAM_SESSIONS_MAX_BYTES.parse(undefined),
    STREAM_AGGREGATES_MAX_MSGS: commonEnv.STREAM_AGGREGATES_MAX_MSGS.parse(undefined),
  };
}

export async function seedStreams(
  nc: NatsConnection,
  ctx: SeedContext,
  { window, deadline, log }: { window: number; deadline: number; log(message: string): void },
): Promise<SeededKind[]> {
  await ensureStreams(nc, ctx.names.namespace, { limits: defaultLimits() });
  const { counts } = ctx;
  const kinds: { kind: SeededKind['kind']; items: number; events: () => Iterable<GatehouseEvent> }[] = [
    { kind: 'accounts', items: counts.accounts, events: () => range(counts.accounts, (i) => accountCreated(ctx, i)) },
    { kind: 'rosters', items: counts.rosters, events: () => range(counts.rosters, (i) => rosterSynced(ctx, i)) },
    { kind: 'clients', items: counts.clients, events: () => range(counts.clients, (i) => clientLogin(ctx, i)) },
  ];
  const seeded: SeededKind[] = [];
  for (const { kind, items, events } of kinds) {
    if (items === 0) continue;
    log(`seeding ${items.toLocaleString('en')} ${kind}`);
    const published = await publishAll(nc, events(), {
      window,
      deadline,
      onProgress: (stored) => log(`  ${kind}: ${stored.toLocaleString('en')} events stored`),
    });
    const seconds = published.ms / 1000;
    seeded.push({
      kind,
      items,
      events: published.stored,
      byType: published.byType,
      seconds: round(seconds, 1),
      eventsPerS: Math.round(published.stored / seconds),
      duplicates: published.duplicates,
      retries: published.retries,
    });
    log(`  ${kind}: ${published.stored.toLocaleString('en')} events in ${seconds.toFixed(1)} s (${Math.round(published.stored / seconds)} events/s)`);
  }
  return seeded;
}

/** Messages and bytes of every stream of the namespace (KV buckets included). */
export async function streamSizes(nc: NatsConnection, ns: string): Promise<StreamSize[]> {
  const jsm = await managerOf(nc);
  const sizes: StreamSize[] = [];
  for await (const info of jsm.streams.list()) {
    const name = info.config.name;
    if (!name.startsWith(`${ns.toUpperCase()}_`) && !name.startsWith(`KV_${ns}_`)) continue;
    sizes.push({ stream: name, messages: info.state.messages, bytes: info.state.bytes });
  }
  return sizes.sort((a, b) => b.bytes - a.bytes);
}
