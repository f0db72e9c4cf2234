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
  runner: ProjectionRunner;
  onProgress?: (progress: RebuildProgress) => void;
  /** Default 10 minutes. */
  timeoutMs?: number;
}

/**
 * Drops the projection's rows and checkpoint, then replays the stream from
 * its first message, resolving once the stream's last sequence at start is applied. It
 * assumes this process's runner is the only one feeding the projection: a second replica
 * committing between the reset and the replay would leave its rows without the earlier ones.
 */
export async function rebuildProjection({ nc, db, runner, onProgress, timeoutMs = 600_000 }: RebuildOptions): Promise<RebuildProgress> {
  const { name } = runner.projection;
  const jsm = await managerOf(nc);
  const { state } = await jsm.streams.info(runner.stream);
  const progress: RebuildProgress = { applied: 0, total: state.messages };
  await runner.stop();
  await resetProjection(db, runner.projection);
  onProgress?.({ ...progress });
  const unsubscribe = runner.onApplied(() => {
    progress.applied += 1;
    onProgress?.({ ...progress });
  });
  try {
    await runner.start();
    if (!(await runner.waitFor(state.last_seq, timeoutMs))) throw new RebuildTimeoutError(name, progress);
    return { ...progress };
  } finally {
    unsubscribe();
  }
}
