/** The roster-sync service's endpoints, typed, as the gateway calls them. */
import { request, requestAll, requestPages, ServiceError, type NatsConnection, type Page } from '@gatehouse/bus';
import type { RosterItem } from '@gatehouse/events';

export type SubscriptionPresence = 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed';
/** What the roster owner's contact must now see: its current presence, or unavailable. */
export type PresenceEffect = 'available' | 'unavailable' | undefined;

export interface PresencePeers {
  broadcast: string[];
  probe: string[];
  pending: string[];
}

export interface ExternalChanges {
  set: RosterItem[];
  removed: string[];
}

export interface RosterSyncClient {
  roster(jid: string, refresh: boolean): Promise<{ version: number; items: RosterItem[] }>;
  setItem(jid: string, item: { jid: string; name?: string; groups: string[] }): Promise<void>;
  removeItem(jid: string, contact: string): Promise<{ unsubscribe: boolean; unsubscribed: boolean; presence: PresenceEffect }>;
  outbound(jid: string, contact: string, presence: SubscriptionPresence): Promise<{ route: boolean; presence: PresenceEffect }>;
  inbound(jid: string, contact: string, presence: SubscriptionPresence, request?: string): Promise<{ deliver: boolean; autoReply?: 'subscribed'; presence: PresenceEffect }>;
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

export function rosterSyncClient(nc: NatsConnection, group: string): RosterSyncClient {
  const ask = <T>(endpoint: string, payload: unknown, timeoutMs?: number) => request<T>(nc, `${group}.${endpoint}`, payload, timeoutMs === undefined ? {} : { timeoutMs });
  // Rosters, block lists and offline messages can outgrow one NATS message: they come in pages.
  const all = <P extends Page<unknown>>(endpoint: string, payload: Record<string, unknown>, timeoutMs?: number) =>
    requestAll<P>(nc, `${group}.${endpoint}`, payload, timeoutMs === undefined ? {} : { timeoutMs });
  return {
    roster: async (jid, refresh) => {
      const { version, items } = await all<Page<RosterItem> & { version: number }>('roster.get', { jid, refresh }, MAY_FETCH_TIMEOUT_MS);
      return { version, items };
    },
    setItem: async (jid, item) => void (await ask('roster.set', { jid, item })),
    removeItem: (jid, contact) => ask('roster.remove', { jid, contact }),
    outbound: (jid, contact, presence) => ask('subscription.outbound', { jid, contact, presence }),
    inbound: (jid, contact, presence, stanza) => ask('subscription.inbound', { jid, contact, presence, ...(stanza === undefined ? {} : { request: stanza }) }),
    peers: (jid) => allPeers(nc, `${group}.presence.peers`, jid),
    lastLogout: async (jid, requester) => {
      const { lastLogout, status } = await ask<{ lastLogout?: string; status?: string }>('activity.last', { jid, requester });
      return lastLogout === undefined ? undefined : { at: lastLogout, status };
    },
    blocklist: async (jid) => (await all<Page<string>>('block.list', { jid })).items,
    block: async (jid, items) => (await ask<{ added: string[] }>('block.add', { jid, items })).added,
    unblock: async (jid, items) => (await ask<{ removed: string[] }>('block.remove', { jid, items })).removed,
    storeOffline: async (jid, stanza) => void (await ask('offline.store', { jid, stanza })),
    offlineMessages: async function* (jid) {
      for await (const page of requestPages<Page<{ seq: number; stanza: string }>>(nc, `${group}.offline.fetch`, { jid })) yield page.items;
    },
    offlineDelivered: async (jid, seq) => void (await ask('offline.ack', { jid, seq })),
    refreshExternal: (jid) => ask('external.refresh', { jid }, MAY_FETCH_TIMEOUT_MS),
  };
}

/**
 * Every page of `presence.peers`, merged: each page has the reply's shape, with `next`
 * while more are left. A peers list that changed between pages is read again, a few times.
 */
async function allPeers(nc: NatsConnection, subject: string, jid: string): Promise<PresencePeers> {
  for (let attempt = 1; ; attempt++) {
    try {
      const peers: PresencePeers = { broadcast: [], probe: [], pending: [] };
      for await (const page of requestPages<Page<never> & PresencePeers>(nc, subject, { jid }, { timeoutMs: MAY_FETCH_TIMEOUT_MS })) {
        peers.broadcast.push(...page.broadcast);
        peers.probe.push(...page.probe);
        peers.pending.push(...page.pending);
      }
      return peers;
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'page-expired') || attempt >= 3) throw error;
    }
  }
}
