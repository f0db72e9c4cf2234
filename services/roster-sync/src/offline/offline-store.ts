/**
 * XEP-0160 offline messages, durable in JetStream: stream `<NS>_OFFLINE`, one subject per
 * account, the stanza (already stamped with its XEP-0203 delay) as the payload. They
 * are read at the account's next initial presence and purged only once the gateway says
 * they reached the client, so a process dying in between loses nothing (a message may
 * then arrive twice, never not at all).
 */
import { DiscardPolicy, JetStreamApiError, jetstream, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { managerOf, type NatsConnection } from '@gatehouse/bus';
import type { Names } from '@gatehouse/events';
import { ResourceConstraintError } from '../errors.ts';

export interface OfflineMessage {
  /** Stream sequence: pass the last one delivered to `remove`. */
  seq: number;
  stanza: string;
}

const STREAM_NAME_EXISTS = 10058;

export class OfflineStore {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
    /** OFFLINE_MAX_MESSAGES */
    private readonly maxMessages: number,
  ) {}

  /** Creates the stream, or leaves an existing one as it is. Safe to race. */
  async ensure(): Promise<void> {
    const jsm = await managerOf(this.nc);
    try {
      await jsm.streams.add({
        name: this.names.streams.offline,
        subjects: [this.names.subjects.offlineMessages],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
      });
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_EXISTS)) throw error;
    }
  }

  async count(jid: string): Promise<number> {
    const subject = this.names.subjects.offline(jid);
    const info = await (await managerOf(this.nc)).streams.info(this.names.streams.offline, { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  }

  /** Keeps a message; ResourceConstraintError when the account already has OFFLINE_MAX_MESSAGES. */
  async store(jid: string, stanza: string): Promise<void> {
    // Checked, not enforced by the stream: a per-subject limit would drop the oldest silently.
    if ((await this.count(jid)) >= this.maxMessages) throw new ResourceConstraintError(`${jid} has ${this.maxMessages} offline messages already`);
    await jetstream(this.nc).publish(this.names.subjects.offline(jid), stanza);
  }

  /** The account's messages, oldest first, at most `limit`. */
  async fetch(jid: string, limit: number): Promise<OfflineMessage[]> {
    const consumer = await jetstream(this.nc).consumers.get(this.names.streams.offline, { filter_subjects: this.names.subjects.offline(jid) });
    try {
      let remaining = Math.min((await consumer.info(true)).num_pending, limit);
      const messages: OfflineMessage[] = [];
      while (remaining > 0) {
        const batch = await consumer.fetch({ max_messages: remaining, expires: 5_000 });
        let received = 0;
        for await (const message of batch) {
          received += 1;
          messages.push({ seq: message.seq, stanza: message.string() });
          remaining = Math.min(message.info.pending, limit - messages.length);
          if (remaining === 0) break;
        }
        if (received === 0) break;
      }
      return messages;
    } finally {
      await consumer.delete().catch(() => {});
    }
  }

  /** Drops the account's messages up to and including `seq`: they reached the client. */
  async remove(jid: string, seq: number): Promise<void> {
    await (await managerOf(this.nc)).streams.purge(this.names.streams.offline, { filter: this.names.subjects.offline(jid), seq: seq + 1 });
  }

  /** Drops every message of the account (it was deleted). */
  async removeAll(jid: string): Promise<void> {
    await (await managerOf(this.nc)).streams.purge(this.names.streams.offline, { filter: this.names.subjects.offline(jid) });
  }
}
