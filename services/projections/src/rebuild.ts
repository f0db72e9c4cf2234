import { managerOf } from '@gatehouse/bus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { RebuildProgress } from '@gatehouse/events';
import type { Database } from './database.ts';
import { resetProjection } from './reset.ts';
import type { ProjectionRunner } from './runner.ts';

export type { RebuildProgress };

export class RebuildTimeoutError extends Error {
  readonly code = 'rebuild-timeout';
  constructor(name: string, progress: RebuildProgress) {
    super(`rebuilding ${name} did not finish in time (${progress.applied}/${progress.total} events applied)`);
    this.name = 'RebuildTimeoutError';
  }
}

export interface RebuildOptions {
  nc: NatsConnection;
  db: Kysely<Database>;
  /** The runners of the projections sharing the rows (projectionGroup), in replay order. */
  runners: readonly ProjectionRunner[];
  onProgress?: (progress: RebuildProgress) => void;
  /** Default 10 minutes. */
  timeoutMs?: number;
}

/**
 * Drops the projections' rows and checkpoints, then replays each stream from its first
 * message, one projection after the other, resolving once each stream's last sequence at
 * start is applied. One at a time, a history replays the same way every time, whatever
 * two streams would have interleaved. It assumes this process's runners are the only ones
 * feeding the projections: a second replica committing between the reset and the replay
 * would leave its rows without the earlier ones.
 */
export async function rebuildProjection({ nc, db, runners, onProgress, timeoutMs = 600_000 }: RebuildOptions): Promise<RebuildProgress> {
  const deadline = Date.now() + timeoutMs;
  const jsm = await managerOf(nc);
  const lastSequences: number[] = [];
  const progress: RebuildProgress = { applied: 0, total: 0 };
  for (const runner of runners) {
    const { state } = await jsm.streams.info(runner.stream);
    lastSequences.push(state.last_seq);
    progress.total += state.messages;
  }
  for (const runner of runners) await runner.stop();
  await resetProjection(
    db,
    runners.map((runner) => runner.projection),
  );
  onProgress?.({ ...progress });
  const unsubscribes = runners.map((runner) =>
    runner.onApplied(() => {
      progress.applied += 1;
      onProgress?.({ ...progress });
    }),
  );
  try {
    for (const [index, runner] of runners.entries()) {
      await runner.start();
      if (!(await runner.waitFor(lastSequences[index]!, deadline - Date.now()))) throw new RebuildTimeoutError(runners.map((each) => each.projection.name).join(', '), progress);
    }
    return { ...progress };
  } finally {
    unsubscribes.forEach((unsubscribe) => unsubscribe());
    // Those behind one that timed out still run, to catch up later.
    for (const runner of runners) await runner.start();
  }
}
