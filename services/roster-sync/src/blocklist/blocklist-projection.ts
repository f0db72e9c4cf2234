/**
 * Block lists as KV `<ns>_blocklists` (key: subjectToken of the owner, value: its
 * blocked JIDs and the stream sequence they reflect). Every gateway replica mirrors the
 * bucket through one watch, so deciding whether a stanza is blocked needs no request.
 * It is a projection of the blocklist events: written after each append, and checked
 * again whenever a replica loads the list from the stream (service.ts), which repairs what
 * a replica dying between its append and this write left behind.
 */
import { fillPage, type KV } from '@gatehouse/bus';
import { subjectToken } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';

export interface BlocklistEntry {
  jids: readonly string[];
  seq: number;
}

export class BlocklistProjection {
  constructor(
    private readonly kv: KV,
    /** Bytes of JIDs one KV value may carry: the connection's page budget. */
    private readonly maxBytes: number,
    private readonly logger: Logger,
  ) {}

  /** Writes the owner's list as of `seq`, unless the bucket already holds a newer one. */
  async publish(owner: string, all: readonly string[], seq: number): Promise<void> {
    const key = subjectToken(owner);
    const jids = this.fitting(owner, all);
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await this.kv.get(key);
      const current = entry && entry.operation === 'PUT' ? entry.json<BlocklistEntry>() : undefined;
      if (current && current.seq >= seq) return;
      if (!current && jids.length === 0) return;
      try {
        if (jids.length === 0) await this.kv.delete(key, { previousSeq: entry!.revision });
        else if (entry) await this.kv.update(key, JSON.stringify({ jids, seq } satisfies BlocklistEntry), entry.revision);
        else await this.kv.create(key, JSON.stringify({ jids, seq } satisfies BlocklistEntry));
        return;
      } catch (error) {
        if (!/wrong last sequence|key exists|10071/i.test(String((error as Error).message))) throw error;
      }
    }
  }

  /**
   * A list stored before BLOCKLIST_MAX_BYTES existed can be larger than a NATS message:
   * the gateways then mirror its first part, rather than this service failing to start.
   */
  private fitting(owner: string, jids: readonly string[]): readonly string[] {
    const { items, end } = fillPage(jids, 0, this.maxBytes);
    if (end < jids.length || items.length < jids.length) {
      this.logger.warn({ owner, blocked: jids.length, mirrored: items.length }, 'block list too large for one KV value; gateways enforce only its first part until it shrinks');
    }
    return items.length < jids.length ? items : jids;
  }
}
