/**
 * Many appends in flight, bounded: `window` loops each take the next event from one shared
 * iterator and await its JetStream ack (appendEvent of @gatehouse/bus: the event id as
 * `Nats-Msg-Id`), so at most `window` acks are pending. A publish whose ack is lost is sent
 * again with the same id, which JetStream then reports as a duplicate instead of storing.
 */
import { appendEvent, NoRespondersError, RequestTimeoutError, type NatsConnection } from '@gatehouse/bus';
import type { GatehouseEvent } from '@gatehouse/events';
import { sleep } from '../concurrency.ts';

const ATTEMPTS = 5;

export class SeedTimeoutError extends Error {
  readonly code = 'seed-timeout';
  constructor(written: number) {
    super(`the seeding bound was reached after ${written} events`);
    this.name = 'SeedTimeoutError';
  }
}

export interface PublishOptions {
  window: number;
  /** performance.now() after which no further event is sent. */
  deadline: number;
  /** Called about every `progressMs` with the events stored so far. */
  onProgress?(stored: number): void;
  progressMs?: number;
}

export interface Published {
  /** Events stored (duplicates included: they are stored, once). */
  stored: number;
  /** Acks that said the event was already there: earlier attempts that did land. */
  duplicates: number;
  /** Publishes sent again after a timeout. */
  retries: number;
  byType: Record<string, number>;
  ms: number;
}

async function appendOnce(nc: NatsConnection, event: GatehouseEvent, result: Published): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await appendEvent(nc, event)).duplicate;
    } catch (error) {
      const transient = error instanceof RequestTimeoutError || error instanceof NoRespondersError;
      if (!transient || attempt >= ATTEMPTS) throw error;
      result.retries++;
      await sleep(200 * attempt);
    }
  }
}

export async function publishAll(nc: NatsConnection, events: Iterable<GatehouseEvent>, options: PublishOptions): Promise<Published> {
  const iterator = events[Symbol.iterator]();
  const result: Published = { stored: 0, duplicates: 0, retries: 0, byType: {}, ms: 0 };
  const started = performance.now();
  let failed = false;
  const progress = options.onProgress
    ? setInterval(() => options.onProgress!(result.stored), options.progressMs ?? 10_000)
    : undefined;
  const loop = async () => {
    while (!failed) {
      if (performance.now() > options.deadline) throw new SeedTimeoutError(result.stored);
      const next = iterator.next();
      if (next.done) return;
      if (await appendOnce(nc, next.value, result)) result.duplicates++;
      result.stored++;
      result.byType[next.value.type] = (result.byType[next.value.type] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(
      Array.from({ length: options.window }, () =>
        loop().catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
  } finally {
    clearInterval(progress);
  }
  result.ms = performance.now() - started;
  return result;
}
