import type { Logger } from '@gatehouse/telemetry';
import type { AggregateView } from '../store/aggregate-view.ts';
import type { Decided } from '../store/command-handler.ts';
import type { RosterFact, RosterState } from '../roster/roster.ts';
import type { RosterCommand } from '../roster/decide.ts';
import type { BlocklistFact, BlocklistState } from '../blocklist/blocklist.ts';
import type { BlocklistCommand } from '../blocklist/decide.ts';
import type { ExternalRosterSource } from '../external/http-roster-source.ts';
import type { OfflineStore } from '../offline/offline-store.ts';
import type { LastLogout } from '../activity/last-activity.ts';
import type { RosterLimits } from '../roster/bounds.ts';

/** What the endpoints work with; built by service.ts, faked in unit tests. */
export interface EndpointContext {
  /** XMPP_DOMAIN: accounts of other domains are refused. */
  domain: string;
  /** Set in external roster mode (ROSTER_HTTP_URL). */
  external: ExternalRosterSource | undefined;
  rosters: Pick<AggregateView<RosterState, RosterFact>, 'get'>;
  blocklists: Pick<AggregateView<BlocklistState, BlocklistFact>, 'get'>;
  rosterLimits: RosterLimits;
  /** Bytes of items one reply page may carry (pageBudget of the connection). */
  pageBytes: number;
  executeRoster(command: RosterCommand): Promise<Decided<RosterState, RosterFact>>;
  executeBlocklist(command: BlocklistCommand): Promise<Decided<BlocklistState, BlocklistFact>>;
  offline: Pick<OfflineStore, 'store' | 'fetch' | 'remove'>;
  /** OFFLINE_MAX_MESSAGES: also the most handed out by one fetch. */
  offlineLimit: number;
  lastLogout(bareJid: string): Promise<LastLogout | undefined>;
  logger: Logger;
}
