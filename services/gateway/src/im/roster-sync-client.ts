/** The roster-sync service's endpoints, typed by the request catalog, as the gateway calls them. */
import { callAll, callPages, retryExpired, serviceCaller, type NatsConnection } from '@gatehouse/bus';
import type { ReplyOf, RequestOf, RosterItem } from '@gatehouse/events';

export type SubscriptionPresence = RequestOf<'roster-sync.subscription.outbound'>['presence'];
/** What the roster owner's contact must now see: its current presence, or unavailable. */
export type PresenceEffect = ReplyOf<'roster-sync.subscription.outbound'>['presence'];
export type PresencePeers = Omit<ReplyOf<'roster-sync.presence.peers'>, 'next'>;
export type ExternalChanges = ReplyOf<'roster-sync.external.refresh'>;

export interface RosterSyncClient {
  roster(jid: string, refresh: boolean): Promise<{ version: number; items: RosterItem[] }>;
  setItem(jid: string, item: { jid: string; name?: string; groups: string[] }): Promise<void>;
  removeItem(jid: string, contact: string): Promise<ReplyOf<'roster-sync.roster.remove'>>;
  outbound(jid: string, contact: string, presence: SubscriptionPresence): Promise<ReplyOf<'roster-sync.subscription.outbound'>>;
  inbound(jid: string, contact: string, presence: SubscriptionPresence, request?: string): Promise<ReplyOf<'roster-sync.subscription.inbound'>>;
  peers(jid: string): Promise<PresencePeers>;
  /** When the account's last session ended (RFC 3339) and the status it left with. */
  lastLogout(jid: string, requester: string): Promise<{ at: string; status?: string } | undefined>;
  blocklist(jid: string): Promise<string[]>;
  block(jid: string, items: string[]): Promise<string[]>;
  unblock(jid: string, items: string[]): Promise<string[]>;
  storeOffline(jid: string, stanza: string): Promise<void>;
  /** The account's offline messages, oldest first, a page at a time. */
  offlineMessages(jid: string): AsyncIterable<{ seq: number; stanza: string }[]>;
  offlineDelivered(jid: string, seq: number): Promise<void>;
  refreshExternal(jid: string): Promise<ExternalChanges>;
}

/**
 * Requests that may fetch a roster from the external web app wait longer than others:
 * beyond roster-sync's ROSTER_HTTP_TIMEOUT_MS, so its own answer (the last good roster,
 * or a clear failure) arrives rather than our timeout.
 */
const MAY_FETCH_TIMEOUT_MS = 30_000;

export function rosterSyncClient(nc: NatsConnection, ns: string): RosterSyncClient {
  const ask = serviceCaller(nc, ns, 'roster-sync');
  const mayFetch = { timeoutMs: MAY_FETCH_TIMEOUT_MS };
  // Rosters, block lists and offline messages can outgrow one NATS message: they come in pages.
  return {
    roster: async (jid, refresh) => {
      const { version, items } = await callAll(nc, ns, 'roster-sync.roster.get', { jid, refresh }, mayFetch);
      return { version, items };
    },
    setItem: async (jid, item) => void (await ask('roster.set', { jid, item })),
    removeItem: (jid, contact) => ask('roster.remove', { jid, contact }),
    outbound: (jid, contact, presence) => ask('subscription.outbound', { jid, contact, presence }),
    inbound: (jid, contact, presence, stanza) => ask('subscription.inbound', { jid, contact, presence, ...(stanza === undefined ? {} : { request: stanza }) }),
    peers: (jid) => allPeers(nc, ns, jid),
    lastLogout: async (jid, requester) => {
      const { lastLogout, status } = await ask('activity.last', { jid, requester });
      return lastLogout === undefined ? undefined : { at: lastLogout, status };
    },
    blocklist: async (jid) => (await callAll(nc, ns, 'roster-sync.block.list', { jid })).items,
    block: async (jid, items) => (await ask('block.add', { jid, items })).added,
    unblock: async (jid, items) => (await ask('block.remove', { jid, items })).removed,
    storeOffline: async (jid, stanza) => void (await ask('offline.store', { jid, stanza })),
    offlineMessages: async function* (jid) {
      for await (const page of callPages(nc, ns, 'roster-sync.offline.fetch', { jid })) yield page.items;
    },
    offlineDelivered: async (jid, seq) => void (await ask('offline.ack', { jid, seq })),
    refreshExternal: (jid) => ask('external.refresh', { jid }, mayFetch),
  };
}

/**
 * Every page of `presence.peers`, merged: each page has the reply's shape, with `next`
 * while more are left. A peers list that changed between pages is read again, a few times.
 */
function allPeers(nc: NatsConnection, ns: string, jid: string): Promise<PresencePeers> {
  return retryExpired(async () => {
    const peers: PresencePeers = { broadcast: [], probe: [], pending: [] };
    for await (const page of callPages(nc, ns, 'roster-sync.presence.peers', { jid }, { timeoutMs: MAY_FETCH_TIMEOUT_MS })) {
      peers.broadcast.push(...page.broadcast);
      peers.probe.push(...page.probe);
      peers.pending.push(...page.pending);
    }
    return peers;
  });
}
