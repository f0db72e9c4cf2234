/**
 * XEP-0160 offline messages, durable in JetStream: stream `<NS>_OFFLINE`, one subject per
 * account, the stanza (already stamped with its XEP-0203 delay) as the payload. They
 * are read at the account's next initial presence and purged only once the gateway says
 * they reached the client, so a process dying in between loses nothing (a message may
 * then arrive twice, never not at all).
 *
 * An account's messages are bounded in number and in bytes. JetStream counts messages
 * per subject but not bytes, so each message carries in a header the bytes its account
 * has stored so far, itself included: the account's total is then the last message's
 * count less the first's, plus the first's own size, two reads whatever the number.
 */
import { DiscardPolicy, JetStreamApiError, jetstream, RetentionPolicy, StorageType, type StoredMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { jsonBytes, managerOf, type NatsConnection, type Page } from '@gatehouse/bus';
import type { Names } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { ResourceConstraintError } from '../errors.ts';

export interface OfflineMessage {
  /** Stream sequence: pass the last one delivered to `remove`. */
  seq: number;
  stanza: string;
}

export interface OfflineLimits {
  /** OFFLINE_MAX_MESSAGES */
  maxMessages: number;
  /** OFFLINE_MAX_BYTES: the account's stanzas, UTF-8. */
  maxBytes: number;
  /** Bytes of stanzas one fetch page may carry (pageBudget of the connection). */
  pageBytes: number;
}

const STREAM_NAME_EXISTS = 10058;
/** Bytes the account stored up to and including this message (decimal). */
const STORED_BYTES = 'Gatehouse-Offline-Stored-Bytes';
const encoder = new TextEncoder();

export class OfflineStore {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
    private readonly limits: OfflineLimits,
    private readonly logger: Logger,
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

  /**
   * Keeps a message; ResourceConstraintError when the account already has
   * OFFLINE_MAX_MESSAGES or the message would take it past OFFLINE_MAX_BYTES.
   */
  async store(jid: string, stanza: string): Promise<void> {
    const { maxMessages, maxBytes, pageBytes } = this.limits;
    const size = encoder.encode(stanza).length;
    // Every message must fit a fetch page, or it could never be handed out.
    if (size > maxBytes || jsonBytes({ seq: Number.MAX_SAFE_INTEGER, stanza }) + 2 > pageBytes) {
      throw new ResourceConstraintError(`an offline message of ${size} bytes is larger than ${jid} may keep`);
    }
    const subject = this.names.subjects.offline(jid);
    for (let attempt = 0; ; attempt++) {
      // Checked, not enforced by the stream: a per-subject limit would drop the oldest silently.
      if ((await this.count(jid)) >= maxMessages) throw new ResourceConstraintError(`${jid} has ${maxMessages} offline messages already`);
      const { last, stored } = await this.usage(subject);
      if (stored + size > maxBytes) throw new ResourceConstraintError(`${jid} has ${stored} bytes of offline messages; at most ${maxBytes} are kept`);
      const headers = natsHeaders();
      headers.set(STORED_BYTES, String((last ? storedBytes(last) : 0) + size));
      try {
        // Expecting the last message read: a concurrent store on another replica is counted, not missed.
        await jetstream(this.nc).publish(subject, stanza, { headers, expect: { lastSubjectSequence: last?.seq ?? 0 } });
        return;
      } catch (error) {
        if (attempt >= 4 || !/wrong last sequence/i.test(String((error as Error).message))) throw error;
      }
    }
  }

  /** The account's last message and the bytes its messages take now. */
  private async usage(subject: string): Promise<{ last: StoredMsg | null; stored: number }> {
    const jsm = await managerOf(this.nc);
    const last = await jsm.streams.getMessage(this.names.streams.offline, { last_by_subj: subject });
    if (!last) return { last, stored: 0 };
    // nats.js types only seq and last_by_subj here; the server (2.9 and later) takes next_by_subj too.
    const first = await jsm.streams.getMessage(this.names.streams.offline, { next_by_subj: subject, seq: 0 } as unknown as { seq: number });
    if (!first) return { last, stored: 0 };
    return { last, stored: storedBytes(last) - storedBytes(first) + first.data.length };
  }

  /**
   * One page of the account's messages, oldest first, after `after` (a seq) and at most
   * `limit` in all: as many as fit `pageBytes`. `next` is the seq to continue after.
   */
  async fetch(jid: string, { after = 0, limit }: { after?: number; limit: number }): Promise<Page<OfflineMessage>> {
    const consumer = await jetstream(this.nc).consumers.get(this.names.streams.offline, {
      filter_subjects: this.names.subjects.offline(jid),
      ...(after > 0 ? { opt_start_seq: after + 1 } : {}),
    });
    try {
      let remaining = Math.min((await consumer.info(true)).num_pending, limit);
      const messages: OfflineMessage[] = [];
      let used = 2;
      let more = false;
      while (remaining > 0 && !more) {
        const batch = await consumer.fetch({ max_messages: Math.min(remaining, 100), expires: 5_000 });
        let received = 0;
        for await (const message of batch) {
          received += 1;
          const kept = { seq: message.seq, stanza: message.string() };
          const bytes = jsonBytes(kept) + 1;
          if (bytes + 2 > this.limits.pageBytes) {
            // Stored before OFFLINE_MAX_BYTES existed: it cannot travel, the rest still does.
            this.logger.warn({ jid, seq: message.seq, bytes }, 'offline message too large for a fetch page; skipped');
            continue;
          }
          if (used + bytes > this.limits.pageBytes && messages.length > 0) {
            more = true;
            break;
          }
          messages.push(kept);
          used += bytes;
          remaining = Math.min(message.info.pending, limit - messages.length);
          if (remaining === 0) break;
        }
        if (received === 0) break;
      }
      const next = messages.at(-1)?.seq;
      return more || (remaining > 0 && next !== undefined) ? { items: messages, next: String(next) } : { items: messages };
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

/** A message stored before the header existed counts as its own size only. */
function storedBytes(message: StoredMsg): number {
  const value = Number(message.header?.get(STORED_BYTES));
  return Number.isSafeInteger(value) && value >= 0 ? value : message.data.length;
}
