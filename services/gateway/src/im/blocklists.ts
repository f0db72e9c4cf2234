/**
 * Every account's XEP-0191 block list, mirrored from KV `<ns>_blocklists` (written by
 * roster-sync from the blocklist events), so each stanza is checked with no request.
 */
import type { KV } from '@nats-io/kv';
import { subjectToken } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { isBlockedBy } from '@gatehouse/xmpp';
import { KvMirror } from './kv-mirror.ts';

const decoder = new TextDecoder();

export type BlockVerdict =
  /** The sender blocked the recipient (§3.6: refused with not-acceptable + <blocked/>). */
  | 'sender-blocks'
  /** The recipient blocked the sender (§3.5: the recipient never sees it). */
  | 'recipient-blocks'
  | undefined;

export class Blocklists {
  private readonly mirror: KvMirror<readonly string[]>;

  constructor(kv: KV, replica: string, logger: Logger) {
    this.mirror = new KvMirror(kv, replica, (bytes) => (JSON.parse(decoder.decode(bytes)) as { jids: string[] }).jids, logger);
  }

  start(): Promise<void> {
    return this.mirror.start();
  }

  stop(): void {
    this.mirror.stop();
  }

  listOf(bareJid: string): readonly string[] {
    return this.mirror.values.get(subjectToken(bareJid)) ?? [];
  }

  /** Between a sender (full JID) and a recipient account (bare or full JID). */
  verdict(sender: { fullJid: string; bareJid: string }, recipient: string, recipientBare: string): BlockVerdict {
    if (isBlockedBy(this.listOf(sender.bareJid), recipient)) return 'sender-blocks';
    if (isBlockedBy(this.listOf(recipientBare), sender.fullJid)) return 'recipient-blocks';
    return undefined;
  }
}
