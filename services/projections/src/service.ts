import { ensureStreams, managerOf, startService, type RunningService } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ClientLogins } from '@gatehouse/events';
import type { Kysely } from 'kysely';
import { accountListing } from './account-listing/projection.ts';
import { listAccounts, type AccountRange } from './account-listing/queries.ts';
import { clientActivity } from './client-listing/activity.ts';
import { clientListing } from './client-listing/projection.ts';
import { accountExists, clientLogins, lastActivity, listClients } from './client-listing/queries.ts';
import type { ClientListing } from './client-listing/listing.ts';
import type { Database } from './database.ts';
import { projectionEndpoints } from './endpoints.ts';
import { projectionGroup, type Projection } from './projection.ts';
import { rebuildProjection, type RebuildProgress } from './rebuild.ts';
import { createProjectionRunner, type ProjectionRunner } from './runner.ts';

export interface ProjectionsServiceDeps {
  nc: NatsConnection;
  /** Already migrated. */
  db: Kysely<Database>;
  namespace: string;
  logger: Logger;
  /** Default: every projection of this package. */
  projections?: Projection[];
  /** Longest a query waits for its projection to catch up with the stream. Default 2 s. */
  readYourWritesMs?: number;
  retryDelayMs?: number;
  /** What "now" is for expiring FAST tokens in listings. */
  clock?: () => Date;
}

export class UnknownProjectionError extends Error {
  readonly code = 'unknown-projection';
  constructor(name: string) {
    super(`no projection named ${name}`);
    this.name = 'UnknownProjectionError';
  }
}

export class RebuildInProgressError extends Error {
  readonly code = 'rebuild-in-progress';
  constructor(name: string) {
    super(`${name} is already being rebuilt`);
    this.name = 'RebuildInProgressError';
  }
}

/** `clients.list` of an account the account listing does not hold. */
export class AccountNotFoundError extends Error {
  readonly code = 'account-not-found';
  constructor(jid: string) {
    super(`${jid} does not exist`);
    this.name = 'AccountNotFoundError';
  }
}

export interface ProjectionsService {
  /** Creates the namespace's streams if needed, starts every projection, then the service API. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Live accounts, after the projection has caught up with the accounts stream as of this call. */
  listAccounts(domain?: string, range?: AccountRange): Promise<string[]>;
  /**
   * The clients with access to a live account (normalised bare JID), after the client
   * listing (clients and sessions streams) and the account listing have caught up with
   * their streams as of this call.
   */
  listClients(jid: string): Promise<ClientListing[]>;
  /**
   * Every known client of the account (deleted or not), listed or not, with its live
   * sessions and last uses: what client-registry decides on, after the client listing has
   * caught up with its streams as of this call.
   */
  clientLogins(jid: string): Promise<ClientLogins[]>;
  /** XEP-0012: the account's last session end and its status, after the client listing has caught up with its streams. */
  lastActivity(jid: string): Promise<{ lastLogout?: string; status?: string }>;
  /** Replays a projection, and with it every projection sharing its rows (client-listing and client-activity). */
  rebuild(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress>;
}

export function createProjectionsService(deps: ProjectionsServiceDeps): ProjectionsService {
  const { nc, db, namespace, logger, projections = [accountListing, clientListing, clientActivity], readYourWritesMs = 2_000, retryDelayMs, clock = () => new Date() } = deps;
  const names = namesFor(namespace);
  const runners = new Map<string, ProjectionRunner>(
    projections.map((projection) => {
      const group = projectionGroup(projections, projection.name);
      const onStreamReplaced = () =>
        void service.rebuild(projection.name).catch((err: unknown) => {
          if (!(err instanceof RebuildInProgressError)) logger.error({ err, projection: projection.name }, 'rebuilding after a stream was replaced failed');
        });
      return [projection.name, createProjectionRunner({ nc, db, names, projection, logger, retryDelayMs, group, onStreamReplaced })];
    }),
  );
  const runnerNamed = (name: string) => {
    const runner = runners.get(name);
    if (!runner) throw new UnknownProjectionError(name);
    return runner;
  };
  /** The runners of the projections sharing `name`'s rows, in replay order. */
  const groupOf = (name: string) => projectionGroup(projections, runnerNamed(name).projection.name).map((projection) => runnerNamed(projection.name));

  /** Read-your-writes: whatever was appended before the query started is in the answer. */
  async function catchUp(runner: ProjectionRunner): Promise<void> {
    const { state } = await (await managerOf(nc)).streams.info(runner.stream);
    if (!(await runner.waitFor(state.last_seq, readYourWritesMs))) {
      logger.warn({ projection: runner.projection.name, target: state.last_seq }, 'answering from a projection that has not caught up');
    }
  }

  const rebuilding = new Set<string>();
  let api: RunningService | undefined;
  const service: ProjectionsService = {
    async start() {
      await ensureStreams(nc, namespace);
      await Promise.all([...runners.values()].map((runner) => runner.start()));
      api = await startService(
        nc,
        { name: 'projections', version: '0.1.0', description: 'Read models projected from the event streams', group: names.services.projections },
        projectionEndpoints({
          nc,
          listAccounts: (domain, range) => service.listAccounts(domain, range),
          listClients: (jid) => service.listClients(jid),
          clientLogins: (jid) => service.clientLogins(jid),
          lastActivity: (jid) => service.lastActivity(jid),
          rebuild: (name, onProgress) => service.rebuild(name, onProgress),
          logger,
        }),
        logger,
      );
    },
    async stop() {
      await api?.stop();
      api = undefined;
      await Promise.all([...runners.values()].map((runner) => runner.stop()));
    },
    async listAccounts(domain, range) {
      await catchUp(runnerNamed(accountListing.name));
      return listAccounts(db, domain, range);
    },
    async listClients(jid) {
      await Promise.all([...groupOf(clientListing.name).map(catchUp), catchUp(runnerNamed(accountListing.name))]);
      if (!(await accountExists(db, jid))) throw new AccountNotFoundError(jid);
      return listClients(db, jid, clock());
    },
    async clientLogins(jid) {
      await Promise.all(groupOf(clientListing.name).map(catchUp));
      return clientLogins(db, jid);
    },
    async lastActivity(jid) {
      await Promise.all(groupOf(clientListing.name).map(catchUp));
      return lastActivity(db, jid);
    },
    async rebuild(name, onProgress) {
      // Rows shared by several projections are rebuilt from all their streams.
      const group = groupOf(name);
      const owner = group[0]!.projection.name;
      // Two overlapping rebuilds would stop and restart the runners under each other.
      if (rebuilding.has(owner)) throw new RebuildInProgressError(name);
      rebuilding.add(owner);
      try {
        return await rebuildProjection({ nc, db, runners: group, onProgress });
      } finally {
        rebuilding.delete(owner);
      }
    },
  };
  return service;
}
