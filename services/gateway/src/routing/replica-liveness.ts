/**
 * Dead replicas: each replica refreshes a heartbeat key in a bucket whose entries
 * expire; survivors look for routes whose replica has no heartbeat, race a KV create
 * of a cleanup key, and the winner drops those routes, records the sessions as ended (so
 * the client listing stops showing them connected) and tells the users' other resources
 * they went unavailable. nats-server 2.9 sends no expiry notice, hence the
 * periodic check. Routes of a killed replica go within ~2 check periods plus max age.
 */
import type { KV } from '@nats-io/kv';
import type { Logger } from '@gatehouse/telemetry';
import { escapeXML } from '@xmpp/xml';
import { NS_CLIENT } from '@gatehouse/xmpp';
import type { SessionDirectory } from './session-directory.ts';
import type { Router } from './router.ts';
import type { Route } from './route-table.ts';

export const HEARTBEAT_MAX_AGE_MS = 6_000;
const HEARTBEAT_EVERY_MS = 2_000;

export class ReplicaLiveness {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kv: KV,
    private readonly replica: string,
    private readonly directory: SessionDirectory,
    private readonly router: Router,
    private readonly logger: Logger,
    private readonly hooks: {
      /** Records that the session ended with its replica (it cannot say so itself). */
      sessionLost?(route: Route): void;
      /** Tells the rest of the world (the session's contacts) that an available route is gone. */
      routeLost?(route: Route): Promise<void>;
    } = {},
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat()
        .then(() => this.sweep())
        .catch((error: unknown) => this.logger.warn({ err: error }, 'replica heartbeat failed'));
    }, HEARTBEAT_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.kv.delete(this.replica).catch(() => {});
  }

  private async beat(): Promise<void> {
    await this.kv.put(this.replica, JSON.stringify({ at: Date.now() }));
  }

  /** Public for tests: one pass over the routes of replicas that stopped beating. */
  async sweep(): Promise<number> {
    let dropped = 0;
    for (const replica of this.directory.table.replicas()) {
      if (replica === this.replica) continue;
      const beat = await this.kv.get(replica);
      if (beat && beat.operation === 'PUT') continue;
      try {
        await this.kv.create(`cleanup-${replica}`, String(Date.now()));
      } catch {
        continue; // another survivor won the race
      }
      const routes = this.directory.table.routesOfReplica(replica);
      this.logger.warn({ replica, routes: routes.length }, 'replica stopped beating: removing its routes');
      for (const route of routes) {
        await this.directory.dropStale(route);
        dropped++;
        this.hooks.sessionLost?.(route);
        if (!route.available) continue;
        const unavailable = `<presence xmlns='${NS_CLIENT}' type='unavailable' from='${escapeXML(route.fullJid)}'/>`;
        const others = this.directory.table.deliverable(route.bareJid).filter((other) => other.fullJid !== route.fullJid);
        await Promise.all(others.map((other) => this.router.deliver(other, unavailable)));
        await this.hooks.routeLost?.(route).catch((error: unknown) => this.logger.warn({ err: error }, 'could not tell contacts about a lost session'));
      }
    }
    return dropped;
  }
}
