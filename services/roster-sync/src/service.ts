import { followStream, openKv, pageBudget, startService, type DurableIntake, type Follower, type NatsConnection, type RunningService } from '@gatehouse/bus';
import { createNatsEventStore } from '@gatehouse/event-store';
import { namesFor, type EndpointOf } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { accountDeletionIntake } from './account/account-deletion.ts';
import { LastActivity } from './activity/last-activity.ts';
import { BlocklistProjection } from './blocklist/blocklist-projection.ts';
import { defaultBlocklistLimits, type BlocklistLimits } from './blocklist/decide.ts';
import { blocklistAggregate } from './blocklist/store.ts';
import type { EndpointContext } from './endpoints/context.ts';
import { rosterEndpoints } from './endpoints/roster.ts';
import { storageEndpoints } from './endpoints/storage.ts';
import { subscriptionEndpoints } from './endpoints/subscription.ts';
import type { ExternalRosterSource } from './external/http-roster-source.ts';
import { OfflineStore } from './offline/offline-store.ts';
import { defaultRosterLimits, type RosterLimits } from './roster/bounds.ts';
import { rosterAggregate } from './roster/store.ts';

/** CloudEvents `source` of everything this service writes. */
export const rosterSyncSource = 'gatehouse/roster-sync';

/** Events folded into a roster between two of its snapshots. */
const ROSTER_SNAPSHOT_EVERY = 100;

export interface RosterSyncServiceDeps {
  nc: NatsConnection;
  /** GATEHOUSE_NAMESPACE */
  ns: string;
  /** XMPP_DOMAIN */
  domain: string;
  logger: Logger;
  /** Set for external roster mode (ROSTER_HTTP_URL). */
  external?: ExternalRosterSource;
  clock?: () => Date;
  /** ROSTER_MAX_ITEMS, ROSTER_MAX_BYTES, ...; those left out are the defaults. */
  rosterLimits?: Partial<RosterLimits>;
  /** BLOCKLIST_MAX_ITEMS, BLOCKLIST_MAX_BYTES */
  blocklistLimits?: Partial<BlocklistLimits>;
  /** OFFLINE_MAX_MESSAGES, default 1000. */
  offlineMaxMessages?: number;
  /** OFFLINE_MAX_BYTES, default 2 MiB. */
  offlineMaxBytes?: number;
  /** ROSTER_CACHE_MB in bytes: rosters this replica keeps loaded, as JSON; default 32 MiB (block lists get a quarter of it on top). */
  cacheBytes?: number;
}

export interface RosterSyncService {
  /** Resolves once the endpoints answer: nothing is read from the rosters stream before. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const rosterSyncServiceVersion = '0.1.0';

/**
 * The roster-sync service: owner of the roster and blocklist aggregates, the offline
 * message store and last activity, all of which an account's deletion clears. A roster or
 * block list is loaded from its own subject when a request needs it (@gatehouse/event-store),
 * kept in a bounded cache and appended with optimistic concurrency, so replicas never
 * coordinate and none replays the stream to start.
 */
export function createRosterSyncService(deps: RosterSyncServiceDeps): RosterSyncService {
  const { nc, ns, domain, logger, external, clock = () => new Date(), offlineMaxMessages = 1_000, offlineMaxBytes = 2 * 1024 * 1024, cacheBytes = 32 * 1024 * 1024 } = deps;
  const rosterLimits = { ...defaultRosterLimits, ...deps.rosterLimits };
  const blocklistLimits = { ...defaultBlocklistLimits, ...deps.blocklistLimits };
  const names = namesFor(ns);
  const activity = new LastActivity(nc, ns, names, logger);
  let follower: Follower | undefined;
  let deletions: DurableIntake | undefined;
  let service: RunningService | undefined;

  return {
    async start() {
      const pageBytes = pageBudget(nc);
      const projection = new BlocklistProjection(await openKv(nc, names.buckets.blocklists, { history: 1 }), pageBytes, logger);
      const common = { stream: names.streams.rosters, source: rosterSyncSource, clock, logger };
      const rosters = await createNatsEventStore(nc, rosterAggregate(names.subjects.roster, rosterLimits), {
        ...common,
        cacheBytes,
        snapshots: { bucket: names.buckets.rosterSnapshots, every: ROSTER_SNAPSHOT_EVERY },
      });
      const blocklists = await createNatsEventStore(nc, blocklistAggregate(names.subjects.blocklist, blocklistLimits), {
        ...common,
        cacheBytes: Math.floor(cacheBytes / 4),
        /**
         * The mirror is written after each append, so it misses a change only when the
         * appending replica died in between. Reconciling every list at start would need all
         * of history; instead each list is checked whenever a replica loads it (a cache miss,
         * or after another replica's change dropped the cached one), which the change's own
         * owner and contacts cause at their next login at the latest.
         */
        onLoad: async (owner, { state, sequence }) => {
          if (sequence === 0) return;
          await projection.publish(owner, state.blocked, sequence).catch((error: unknown) => {
            logger.warn({ err: error, owner }, 'block list mirror not checked; the next load checks it again');
          });
        },
      });
      // From now on, each append of another replica drops what this one cached of that
      // roster or block list, so the next request reads it from the stream (roster.get and
      // presence.peers answer from the cache). Every subject goes to both stores: each
      // ignores the subjects it does not cache.
      follower = followStream(nc, { stream: names.streams.rosters, deliver: 'new', logger }, async (event, seq) => {
        await rosters.observe(event.subject, seq);
        await blocklists.observe(event.subject, seq);
      });
      // Resolves once the follower knows where "now" is: no entry can be cached before that.
      await follower.caughtUp;

      const offline = new OfflineStore(nc, names, { maxMessages: offlineMaxMessages, maxBytes: offlineMaxBytes, pageBytes }, logger);
      await offline.ensure();
      await activity.start();

      const ctx: EndpointContext = {
        domain,
        external,
        rosters,
        blocklists,
        rosterLimits,
        pageBytes,
        executeRoster: (command) => rosters.execute(command.owner, command),
        async executeBlocklist(command) {
          const outcome = await blocklists.execute(command.owner, command);
          // Before answering, so the gateways' mirrors are updated by the time the client hears back.
          if (outcome.events.length > 0) await projection.publish(command.owner, outcome.state.blocked, outcome.sequence);
          return outcome;
        },
        offline,
        offlineLimit: offlineMaxMessages,
        lastLogout: (jid) => activity.lastLogout(jid),
        logger,
      };
      deletions = accountDeletionIntake(nc, names, logger, { ...ctx, offline, activity });
      await deletions.start();
      service = await startService(
        nc,
        { name: 'roster-sync', version: rosterSyncServiceVersion, description: 'Gatehouse rosters, subscriptions, block lists, offline messages', group: names.services.rosterSync },
        { ...rosterEndpoints(ctx), ...subscriptionEndpoints(ctx), ...storageEndpoints(ctx) } satisfies Record<EndpointOf<'roster-sync'>, unknown>,
        logger,
      );
      // The endpoints' subscriptions reach the server with the next flush: once it is done,
      // a request from another connection finds this replica (start() promises answers).
      await nc.flush();
      logger.info({ external: external !== undefined }, 'serving rosters');
    },
    async stop() {
      await service?.stop();
      await deletions?.stop();
      await follower?.stop();
    },
  };
}
