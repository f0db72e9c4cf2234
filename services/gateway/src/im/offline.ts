/**
 * XEP-0160 offline messages: a message no available resource can take is kept by
 * roster-sync, stamped with an XEP-0203 delay, and handed to the account's next
 * available resource with non-negative priority, then dropped from the store.
 */
import xml, { type Element } from '@xmpp/xml';
import type { Logger } from '@gatehouse/telemetry';
import { NS_CLIENT, NS_DELAY } from '@gatehouse/xmpp';
import type { RosterSyncClient } from './roster-sync-client.ts';
import { copyWith } from './xml-copy.ts';

export type StoreOutcome =
  /** Kept for the next login. */
  | 'stored'
  /** Nothing a person would miss (chat states, receipts): silently dropped (RFC 6121 §8.5.2.2.1 allows it). */
  | 'dropped'
  /** Could not be kept (store full, service down): the sender gets the RFC 6121 error. */
  | 'refused';

export class OfflineMessages {
  constructor(
    private readonly client: RosterSyncClient,
    private readonly domain: string,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async store(message: Element, bareJid: string): Promise<StoreOutcome> {
    if (!message.getChild('body') && !message.getChild('subject')) return 'dropped';
    const kept = copyWith(message, { xmlns: NS_CLIENT });
    kept.append(xml('delay', { xmlns: NS_DELAY, from: this.domain, stamp: this.clock().toISOString() }, 'Offline Storage'));
    try {
      await this.client.storeOffline(bareJid, kept.toString());
      return 'stored';
    } catch (error) {
      this.logger.warn({ err: error, to: bareJid }, 'offline message not stored');
      return 'refused';
    }
  }

  /** Hands the account's stored messages to one session, then drops them from the store. */
  async deliver(bareJid: string, deliver: (serialised: string) => Promise<boolean>): Promise<void> {
    try {
      // Each page is dropped from the store once delivered, so a failure later keeps only the rest.
      for await (const page of this.client.offlineMessages(bareJid)) {
        let delivered: number | undefined;
        let stopped = false;
        for (const message of page) {
          if (!(await deliver(message.stanza))) {
            stopped = true;
            break;
          }
          delivered = message.seq;
        }
        if (delivered !== undefined) await this.client.offlineDelivered(bareJid, delivered);
        if (stopped) return;
      }
    } catch (error) {
      // Kept in the store: the next login tries again.
      this.logger.warn({ err: error, to: bareJid }, 'offline messages not delivered');
    }
  }
}
