import { followStream, openKv, pageBudget, startService, type DurableIntake, type Follower, type NatsConnection, type RunningService } from '@gatehouse/bus';
import { isBlocklistEvent, isRosterEvent, namesFor, type EndpointOf } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { accountDeletionIntake } from './account/account-deletion.ts';
import { LastActivity } from './activity/last-activity.ts';
import { BlocklistProjection, type BlocklistEntry } from './blocklist/blocklist-projection.ts';
import * as blocklist from './blocklist/blocklist.ts';
import { decide as decideBlocklist, defaultBlocklistLimits, type BlocklistCommand, type BlocklistLimits } from './blocklist/decide.ts';
import type { EndpointContext } from './endpoints/context.ts';
import { rosterEndpoints } from './endpoints/roster.ts';
import { storageEndpoints } from './endpoints/storage.ts';
import { subscriptionEndpoints } from './endpoints/subscription.ts';
import type { ExternalRosterSource } from './external/http-roster-source.ts';
import { OfflineStore } from './offline/offline-store.ts';
import { defaultRosterLimits, type RosterLimits } from './roster/bounds.ts';
import { decide as decideRoster, type RosterCommand } from './roster/decide.ts';
import * as roster from './roster/roster.ts';
import { AggregateView } from './store/aggregate-view.ts';
import { createCommandHandler } from './store/command-handler.ts';
import { natsAggregateStream } from './store/event-stream.ts';

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
}

export interface RosterSyncService {
  /** Resolves once every stored roster and block list is folded in and the endpoints answer. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const rosterSyncServiceVersion = '0.1.0';

/**
 * The roster-sync service: owner of the roster and blocklist aggregates, the offline
 * message store and last activity, all of which an account's deletion clears. Like the
 * token service, every replica keeps every roster in memory, folded from the rosters
 * stream, and writes with optimistic concurrency, so replicas never coordinate.
 */
export function createRosterSyncService(deps: RosterSyncServiceDeps): RosterSyncService {
  const { nc, ns, domain, logger, external, clock = () => new Date(), offlineMaxMessages = 1_000, offlineMaxBytes = 2 * 1024 * 1024 } = deps;
  const rosterLimits = { ...defaultRosterLimits, ...deps.rosterLimits };
  const blocklistLimits = { ...defaultBlocklistLimits, ...deps.blocklistLimits };
  const names = namesFor(ns);
  const rosters = new AggregateView(roster.initialState, roster.evolve);
  const blocklists = new AggregateView(blocklist.initialState, blocklist.evolve);
  const activity = new LastActivity(nc, ns, names, logger);
  let follower: Follower | undefined;
  let deletions: DurableIntake | undefined;
  let service: RunningService | undefined;

  return {
    async start() {
      const pageBytes = pageBudget(nc);
      const projection = new BlocklistProjection(await openKv(nc, names.buckets.blocklists, { history: 1 }), pageBytes, logger);
      let live = false;
      follower = followStream(nc, { stream: names.streams.rosters, deliver: 'all', logger }, async (event, seq) => {
        if (isRosterEvent(event)) rosters.apply(event.data.owner, event, seq);
        else if (isBlocklistEvent(event) && blocklists.apply(event.data.owner, event, seq) && live) {
          // Appended by another replica: this one mirrors it too (the write is idempotent).
          await projection.publish(event.data.owner, blocklists.get(event.data.owner).state.blocked, seq);
        }
      });
      // Answering before the history is folded in would hand out empty rosters.
      await follower.caughtUp;
      await projection.reconcile(nonEmptyBlocklists(blocklists));
      live = true;

      const offline = new OfflineStore(nc, names, { maxMessages: offlineMaxMessages, maxBytes: offlineMaxBytes, pageBytes }, logger);
      await offline.ensure();
      await activity.start();

      const executeRoster = createCommandHandler({
        view: rosters,
        stream: natsAggregateStream({ nc, stream: names.streams.rosters, subjectOf: names.subjects.roster, isFact: isRosterEvent, ...roster }),
        decide: (command: RosterCommand, state) => decideRoster(command, state, { now: clock(), ...rosterLimits }),
        keyOf: (command) => command.owner,
      });
      const blocklistHandler = createCommandHandler({
        view: blocklists,
        stream: natsAggregateStream({ nc, stream: names.streams.rosters, subjectOf: names.subjects.blocklist, isFact: isBlocklistEvent, ...blocklist }),
        decide: (command: BlocklistCommand, state) => decideBlocklist(command, state, clock(), blocklistLimits),
        keyOf: (command) => command.owner,
      });
      const ctx: EndpointContext = {
        domain,
        external,
        rosters,
        blocklists,
        rosterLimits,
        pageBytes,
        executeRoster,
        async executeBlocklist(command) {
          const decided = await blocklistHandler(command);
          // Before answering, so the gateways' mirrors are updated by the time the client hears back.
          if (decided.facts.length > 0) await projection.publish(command.owner, decided.after.blocked, blocklists.get(command.owner).sequence);
          return decided;
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
      logger.info({ external: external !== undefined }, 'rosters loaded');
    },
    async stop() {
      await service?.stop();
      await deletions?.stop();
      await follower?.stop();
    },
  };
}

function nonEmptyBlocklists(view: AggregateView<blocklist.BlocklistState, blocklist.BlocklistFact>): Map<string, BlocklistEntry> {
  const lists = new Map<string, BlocklistEntry>();
  for (const owner of view.keys()) {
    const { state, sequence } = view.get(owner);
    if (state.blocked.length > 0) lists.set(owner, { jids: state.blocked, seq: sequence });
  }
  return lists;
}
