import type { Outcome } from '@gatehouse/event-store';
import type { BlocklistEvent, RosterEvent } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { RosterState } from '../roster/roster.ts';
import type { RosterCommand } from '../roster/decide.ts';
import type { RosterStore } from '../roster/store.ts';
import type { BlocklistState } from '../blocklist/blocklist.ts';
import type { BlocklistCommand } from '../blocklist/decide.ts';
import type { BlocklistStore } from '../blocklist/store.ts';
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
  /** `read` answers from the cache (kept coherent by following the stream); `load` asks the stream. */
  rosters: Pick<RosterStore, 'read' | 'load'>;
  blocklists: Pick<BlocklistStore, 'read'>;
  rosterLimits: RosterLimits;
  /** Bytes of items one reply page may carry (pageBudget of the connection). */
  pageBytes: number;
  executeRoster(command: RosterCommand): Promise<Outcome<RosterState, RosterEvent>>;
  executeBlocklist(command: BlocklistCommand): Promise<Outcome<BlocklistState, BlocklistEvent>>;
  offline: Pick<OfflineStore, 'store' | 'fetch' | 'remove'>;
  /** OFFLINE_MAX_MESSAGES: also the most handed out by one fetch. */
  offlineLimit: number;
  lastLogout(bareJid: string): Promise<LastLogout | undefined>;
  logger: Logger;
}
