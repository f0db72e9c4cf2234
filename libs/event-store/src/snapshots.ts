import type { KV } from '@gatehouse/bus';
import { z } from 'zod';
import { subjectToken } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { StateJson } from './definition.ts';

/** An aggregate's state as of `sequence`, whose event has id `eventId`. */
export interface Snapshot<State> {
  sequence: number;
  eventId: string;
  state: State;
}

/** The KV key of an aggregate's snapshot: its subject as one subject-safe token. */
export function snapshotKey(subject: string): string {
  return subjectToken(subject);
}

const storedSnapshot = z.object({
  version: z.number().int(),
  sequence: z.number().int().positive(),
  eventId: z.string().min(1),
  state: z.unknown(),
});

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Snapshots of one aggregate kind in their KV bucket: `{ version, sequence, eventId, state }`
 * as JSON. A snapshot is only a cache: one that cannot be read (bad JSON, another
 * version, a state `fromJSON` refuses) is deleted and reported as none, and a failing
 * bucket is logged, never thrown, so the aggregate is then read from the stream.
 */
export class KvSnapshots<State> {
  constructor(
    private readonly kv: KV,
    private readonly json: StateJson<State>,
    private readonly logger: Logger,
    private readonly aggregate: string,
  ) {}

  async get(subject: string): Promise<Snapshot<State> | undefined> {
    let entry;
    try {
      entry = await this.kv.get(snapshotKey(subject));
    } catch (error) {
      this.logger.warn({ err: error, aggregate: this.aggregate, subject }, 'snapshot unreadable: bucket failed, aggregate read from the stream');
      return undefined;
    }
    if (!entry || entry.operation !== 'PUT') return undefined;
    try {
      const stored = storedSnapshot.parse(JSON.parse(decoder.decode(entry.value)));
      if (stored.version !== this.json.version) throw new Error(`snapshot version ${stored.version}, state version ${this.json.version}`);
      return { sequence: stored.sequence, eventId: stored.eventId, state: this.json.fromJSON(stored.state) };
    } catch (error) {
      await this.discard(subject, 'unreadable', error);
      return undefined;
    }
  }

  /** Never throws: a command does not fail because its snapshot could not be written. */
  async put(subject: string, { sequence, eventId, state }: Snapshot<State>): Promise<void> {
    try {
      const value = JSON.stringify({ version: this.json.version, sequence, eventId, state: this.json.toJSON(state) });
      await this.kv.put(snapshotKey(subject), encoder.encode(value));
    } catch (error) {
      this.logger.warn({ err: error, aggregate: this.aggregate, subject, sequence }, 'snapshot not written');
    }
  }

  /** Deletes a snapshot that must not be used; `why` is logged. */
  async discard(subject: string, why: string, error?: unknown): Promise<void> {
    this.logger.warn({ err: error, aggregate: this.aggregate, subject, why }, 'snapshot ignored and deleted');
    await this.kv.delete(snapshotKey(subject)).catch((failure: unknown) => {
      this.logger.warn({ err: failure, aggregate: this.aggregate, subject }, 'snapshot not deleted');
    });
  }
}
