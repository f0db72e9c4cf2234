/**
 * Delivery between sessions on any replica. Each replica holds ONE subscription,
 * `<ns>.c2s.<replica>.>`; a sender addresses `<ns>.c2s.<replica>.<session>` as a
 * request, so "no responders" tells it at once that the route is stale.
 */
import { headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { NoRespondersError, requestReply } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/telemetry';
import type { StreamErrorCondition } from '@gatehouse/xmpp';
import type { Route } from './route-table.ts';
import type { LocalSession } from './local-session.ts';
import type { SessionDirectory } from './session-directory.ts';

const CONTROL_HEADER = 'Gatehouse-Control';
const GONE = 'gone';
const TAKEN = 'ok';

export interface RouterOptions {
  nc: NatsConnection;
  replica: string;
  /** `namesFor(ns).subjects.c2s` */
  subjectFor: (replica: string, sessionId: string) => string;
  logger: Logger;
  directory: SessionDirectory;
  timeoutMs?: number;
}

export class Router {
  readonly local = new Map<string, LocalSession>();
  private subscription: Subscription | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly options: RouterOptions) {
    this.timeoutMs = options.timeoutMs ?? 3_000;
  }

  get replica(): string {
    return this.options.replica;
  }

  start(): void {
    const { nc, replica, subjectFor } = this.options;
    const inbox = subjectFor(replica, '*');
    this.subscription = nc.subscribe(inbox, {
      callback: (error, msg) => {
        if (error) return;
        const sessionId = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
        const session = this.local.get(sessionId);
        if (!session) {
          msg.respond(GONE);
          return;
        }
        if (msg.headers?.get(CONTROL_HEADER) === 'close') {
          session.terminate(msg.string() as StreamErrorCondition).finally(() => msg.respond(TAKEN));
          return;
        }
        session.deliver(msg.string());
        msg.respond(TAKEN);
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.drain().catch(() => {});
  }

  /** Hands a serialised stanza to the session behind a route; false when it is gone. */
  async deliver(route: Route, xml: string): Promise<boolean> {
    if (route.replica === this.options.replica) {
      const session = this.local.get(route.sessionId);
      if (!session) return false;
      session.deliver(xml);
      return true;
    }
    return this.sendRemote(route, xml);
  }

  /** Closes the session behind a route, wherever it is; resolves when it is closed or gone. */
  async evict(route: Pick<Route, 'replica' | 'sessionId' | 'fullJid' | 'revision'>, condition: StreamErrorCondition): Promise<void> {
    if (route.replica === this.options.replica) {
      await this.local.get(route.sessionId)?.terminate(condition);
      return;
    }
    const control = headers();
    control.set(CONTROL_HEADER, 'close');
    await this.requestOrStale(route as Route, condition, control);
  }

  private sendRemote(route: Route, xml: string): Promise<boolean> {
    return this.requestOrStale(route, xml);
  }

  private async requestOrStale(route: Route, body: string, requestHeaders?: ReturnType<typeof headers>): Promise<boolean> {
    const { nc, subjectFor, logger, directory } = this.options;
    try {
      const reply = await requestReply(nc, subjectFor(route.replica, route.sessionId), body, {
        timeoutMs: this.timeoutMs,
        ...(requestHeaders ? { headers: requestHeaders } : {}),
      });
      if (reply.string() === TAKEN) return true;
    } catch (error) {
      if (!(error instanceof NoRespondersError)) {
        logger.warn({ err: error, replica: route.replica }, 'delivery to another replica failed');
        return false;
      }
    }
    // Nobody answers for that session: its replica died or it closed without cleaning up.
    await directory.dropStale(route).catch((error: unknown) => logger.warn({ err: error }, 'could not drop a stale route'));
    return false;
  }
}
