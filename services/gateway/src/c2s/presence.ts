/**
 * The session's own availability (RFC 6121 §4.2 initial presence, §4.5 unavailable),
 * kept in its route so every replica can apply the §8.5 delivery rules, and broadcast
 * to the account's other available resources (§4.2.2, §4.5.2); what it means for the
 * account's contacts is the IM lifecycle's business (../im/presence-lifecycle.ts).
 */
import { escapeXML, type Element } from '@xmpp/xml';
import { NS_CLIENT, stanzaError } from '@gatehouse/xmpp';
import type { Router } from '../routing/router.ts';
import type { SessionDirectory } from '../routing/session-directory.ts';
import type { Im } from '../im/im.ts';

interface PresenceOwner {
  readonly id: string;
  readonly fullJid: string | undefined;
  readonly bareJid: string | undefined;
  updateRoute(available: boolean, priority: number): Promise<void>;
  deliver(serialised: string): void;
}

/** XEP-0012 keeps the status of the last unavailable presence; the event carries at most this many characters. */
const STATUS_LIMIT = 1024;

export class PresenceState {
  available = false;
  priority = 0;
  /** The `<status/>` of this session's last unavailable presence, while it stays unavailable. */
  lastStatus: string | undefined;

  constructor(
    private readonly owner: PresenceOwner,
    private readonly deps: { router: Router; directory: SessionDirectory; im: Im; limits: { presenceBytes: number } },
  ) {}

  async fromClient(presence: Element): Promise<void> {
    const type = presence.attrs.type;
    if (type !== undefined && type !== 'unavailable') return; // subscription presence has a 'to': outbound.ts
    const { fullJid, bareJid } = this.owner;
    if (!fullJid || !bareJid) return;
    presence.attrs.from = fullJid;
    const serialised = withClientNamespace(presence);
    // Broadcast presence is kept in KV and mirrored in memory by every replica for as long
    // as the session is available, so it gets a bound of its own, well below a stanza's.
    if (Buffer.byteLength(serialised) > this.deps.limits.presenceBytes) {
      const text = `presence over ${this.deps.limits.presenceBytes} bytes`;
      this.owner.deliver(withClientNamespace(stanzaError(presence, 'policy-violation', { text })));
      return;
    }
    const wasAvailable = this.available;
    if (type === 'unavailable') {
      this.available = false;
      this.lastStatus = truncate(presence.getChildText('status') ?? undefined, STATUS_LIMIT);
    } else {
      this.available = true;
      this.lastStatus = undefined;
      this.priority = parsePriority(presence.getChildText('priority'));
    }
    await this.owner.updateRoute(this.available, this.priority);
    // §4.2.2: presence goes to the user's own available resources, itself included; so does
    // unavailable presence (§4.5.2), which Prosody reflects and clients wait for.
    this.owner.deliver(serialised);
    const routes = this.deps.directory.table.deliverable(bareJid).filter((route) => route.fullJid !== fullJid);
    await Promise.all(routes.map((route) => this.deps.router.deliver(route, serialised)));
    const session = { sessionId: this.owner.id, fullJid, bareJid, priority: this.priority };
    if (type !== 'unavailable') await this.deps.im.lifecycle.available(session, presence, !wasAvailable);
    else if (wasAvailable) await this.deps.im.lifecycle.unavailable(session, presence);
  }

  /** The session is going away: its other resources and its contacts learn it is unavailable (§4.5.2). */
  async ended(reason: string): Promise<void> {
    const { fullJid, bareJid } = this.owner;
    if (bareJid) this.deps.im.forget(bareJid, this.owner.id);
    if (!this.available || !fullJid || !bareJid) return;
    this.available = false;
    const serialised = `<presence xmlns='${NS_CLIENT}' type='unavailable' from='${escapeXML(fullJid)}'/>`;
    const routes = this.deps.directory.table.deliverable(bareJid).filter((route) => route.fullJid !== fullJid);
    await Promise.all(routes.map((route) => this.deps.router.deliver(route, serialised)));
    await this.deps.im.lifecycle.unavailable({ sessionId: this.owner.id, fullJid, bareJid, priority: this.priority }, undefined, reason === 'account-deleted');
  }
}

/** RFC 6121 §4.7.2.3: an integer from -128 to +127; anything else counts as 0. */
export function parsePriority(text: string | null | undefined): number {
  if (text === null || text === undefined || !/^\s*[+-]?\d+\s*$/.test(text)) return 0;
  const value = Number.parseInt(text, 10);
  return value >= -128 && value <= 127 ? value : 0;
}

/** At most `limit` characters, never splitting a surrogate pair; empty counts as none. */
function truncate(text: string | undefined, limit: number): string | undefined {
  if (!text) return undefined;
  const cut = text.slice(0, limit);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function withClientNamespace(stanza: Element): string {
  if (!stanza.attrs.xmlns) stanza.attrs.xmlns = NS_CLIENT;
  return stanza.toString();
}
