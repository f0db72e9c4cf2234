/**
 * Whom an account's presence concerns when it comes online (RFC 6121 §4.2, §4.3,
 * §3.1.3), with XEP-0191 blocking applied both ways: blocked contacts neither see the
 * owner's presence nor show theirs, and their pending requests are held back.
 */
import { pageOf } from '@gatehouse/bus';
import { isBlockedBy, tryParseJid } from '@gatehouse/xmpp';
import type { RosterState } from './roster/roster.ts';
import { hasFrom, hasTo } from './roster/subscription-states.ts';

export interface PresencePeers {
  /** Bare JIDs to send the owner's presence to: contacts with a 'from' or 'both' subscription (§4.2.2). */
  broadcast: string[];
  /** Bare JIDs whose presence the owner receives now: 'to' or 'both' here, and 'from' or 'both' on the contact's own roster (§4.3.2). */
  probe: string[];
  /** Subscribe stanzas still awaiting the owner's answer, to deliver again (§3.1.3). */
  pending: string[];
}

export interface PeerLookup {
  roster(bareJid: string): RosterState;
  blocked(bareJid: string): readonly string[];
}

export function presencePeers(owner: string, domain: string, lookup: PeerLookup): PresencePeers {
  const ownBlocks = lookup.blocked(owner);
  const reachable = (contact: string) => !isBlockedBy(ownBlocks, contact) && !isBlockedBy(lookup.blocked(contact), owner);
  const peers: PresencePeers = { broadcast: [], probe: [], pending: [] };
  for (const contact of lookup.roster(owner).contacts.values()) {
    if (!isLocalAccount(contact.jid, domain) || !reachable(contact.jid)) continue;
    if (contact.pendingIn && contact.request) peers.pending.push(contact.request);
    if (!contact.onRoster) continue;
    if (hasFrom(contact.subscription)) peers.broadcast.push(contact.jid);
    if (hasTo(contact.subscription)) {
      const reverse = lookup.roster(contact.jid).contacts.get(owner);
      if (reverse?.onRoster && hasFrom(reverse.subscription)) peers.probe.push(contact.jid);
    }
  }
  return peers;
}

/** Loads what `presencePeers` reads of other accounts, which is no longer all in memory. */
export interface PeerLoader {
  roster(bareJid: string): Promise<RosterState>;
  blocked(bareJid: string): Promise<readonly string[]>;
}

/** Loads in flight at once: a large roster's contacts are read a few at a time, not all together. */
const PEER_LOADS = 16;

/**
 * The lookup `presencePeers` needs for `owner`, whose roster is `roster`: the owner's block
 * list, each local contact's block list, and the roster of each contact whose presence the
 * owner may receive (§4.3.2 asks that contact's own roster). Nothing else is loaded.
 */
export async function loadPeerLookup(owner: string, domain: string, roster: RosterState, loader: PeerLoader): Promise<PeerLookup> {
  const rosters = new Map<string, RosterState>([[owner, roster]]);
  const blocked = new Map<string, readonly string[]>();
  const loads: (() => Promise<void>)[] = [async () => void blocked.set(owner, await loader.blocked(owner))];
  for (const contact of roster.contacts.values()) {
    if (!isLocalAccount(contact.jid, domain) || contact.jid === owner) continue;
    loads.push(async () => void blocked.set(contact.jid, await loader.blocked(contact.jid)));
    if (contact.onRoster && hasTo(contact.subscription)) loads.push(async () => void rosters.set(contact.jid, await loader.roster(contact.jid)));
  }
  const next = loads.values();
  const worker = async () => {
    for (const load of next) await load();
  };
  await Promise.all(Array.from({ length: Math.min(PEER_LOADS, loads.length) }, worker));
  const loaded = <T>(map: Map<string, T>, jid: string): T => {
    const value = map.get(jid);
    if (value === undefined) throw new Error(`presence peers of ${owner}: ${jid} was not loaded`);
    return value;
  };
  return { roster: (jid) => loaded(rosters, jid), blocked: (jid) => loaded(blocked, jid) };
}

/** Without server-to-server links, only accounts of our own domain have presence to exchange. */
function isLocalAccount(jid: string, domain: string): boolean {
  const parsed = tryParseJid(jid);
  return parsed !== null && parsed.local !== '' && parsed.resource === '' && parsed.domain === domain;
}

type PeerKind = keyof PresencePeers;

/**
 * One page of the peers, in the reply's own shape plus `next` while more are left: a
 * caller that does not page reads a peers list that fits one message as before.
 */
export function peersPage(peers: PresencePeers, { version, cursor, budget }: { version: number; cursor: string | undefined; budget: number }): PresencePeers & { next?: string } {
  const kinds: PeerKind[] = ['broadcast', 'probe', 'pending'];
  const entries = kinds.flatMap((kind) => peers[kind].map((value): [PeerKind, string] => [kind, value]));
  const page = pageOf(entries, { version, cursor, budget });
  const answer: PresencePeers & { next?: string } = { broadcast: [], probe: [], pending: [] };
  for (const [kind, value] of page.items) answer[kind].push(value);
  if (page.next !== undefined) answer.next = page.next;
  return answer;
}
