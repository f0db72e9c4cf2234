/**
 * The cluster-wide registry of bound sessions: a KV bucket keyed by the full JID,
 * mirrored into a RouteTable through ONE watch per replica (never one per user:
 * consumers stop scaling around 50-60k, nats-server issue 5609).
 *
 * Binding is a KV create; a resource already taken is a conflict that RFC 6120
 * §7.7.2.2 lets us resolve by closing the old session, then taking the key with a
 * revision-checked update, so two replicas can never own one full JID.
 */
import type { KV } from '@nats-io/kv';
import { watchKv } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/telemetry';
import { fromSubjectToken, subjectToken } from '@gatehouse/events';
import { RouteTable, type Route, type RouteValue } from './route-table.ts';

export class ResourceConflictError extends Error {
  readonly code = 'conflict';
}

/** Closes whatever session holds a route; resolves once it is gone (or was already). */
export type EvictSession = (route: Route, condition: 'conflict') => Promise<void>;

const CLAIM_ATTEMPTS = 5;

export class SessionDirectory {
  readonly table = new RouteTable();
  private watcher: { stop(): void } | undefined;

  constructor(
    private readonly kv: KV,
    private readonly replica: string,
    private readonly logger: Logger,
  ) {}

  /** Starts the watch; returns once the mirror holds every route that existed before. */
  async start(): Promise<void> {
    this.watcher = await watchKv(this.kv, {
      owner: this.replica,
      logger: this.logger,
      onEntry: (entry) => {
        if (entry.operation === 'PUT') this.table.put(entry.json<RouteValue>(), entry.revision);
        else this.table.remove(fromSubjectToken(entry.key), entry.revision);
      },
    });
  }

  stop(): void {
    this.watcher?.stop();
  }

  /** Takes the full JID for a session, evicting an older holder. Returns the KV revision. */
  async claim(value: RouteValue, evict: EvictSession): Promise<number> {
    const key = subjectToken(value.fullJid);
    const payload = JSON.stringify(value);
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      try {
        const revision = await this.kv.create(key, payload);
        this.table.put(value, revision);
        return revision;
      } catch (error) {
        if (!isWrongRevision(error)) throw error;
      }
      const existing = await this.kv.get(key);
      if (!existing || existing.operation !== 'PUT') continue;
      const holder = existing.json<RouteValue>();
      const route = { ...holder, bareJid: '', resource: '', revision: existing.revision };
      await evict(route, 'conflict');
      try {
        const revision = await this.kv.update(key, payload, existing.revision);
        this.table.put(value, revision);
        return revision;
      } catch (error) {
        if (!isWrongRevision(error)) throw error;
      }
    }
    throw new ResourceConflictError(`could not take ${value.fullJid}: it keeps changing hands`);
  }

  /** Presence changes the route; returns the new revision, or undefined when it is no longer ours. */
  async update(value: RouteValue, revision: number): Promise<number | undefined> {
    try {
      const next = await this.kv.update(subjectToken(value.fullJid), JSON.stringify(value), revision);
      this.table.put(value, next);
      return next;
    } catch (error) {
      if (isWrongRevision(error)) return undefined;
      throw error;
    }
  }

  /** Removes the route only if it is still the one we wrote (a newer session may own it now). */
  async release(fullJid: string, revision: number): Promise<void> {
    try {
      await this.kv.delete(subjectToken(fullJid), { previousSeq: revision });
      this.table.remove(fullJid, revision);
    } catch (error) {
      if (!isWrongRevision(error)) throw error;
    }
  }

  /** A route whose replica no longer answers: drop it unless someone rewrote it meanwhile. */
  async dropStale(route: Route): Promise<void> {
    await this.release(route.fullJid, route.revision);
  }
}

function isWrongRevision(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String((error as { api_error?: { err_code?: number } }).api_error?.err_code ?? '')}` : '';
  return /wrong last sequence|10071|key exists/i.test(text);
}
