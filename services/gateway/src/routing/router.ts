/**
 * Delivery between sessions on any replica. Each replica holds ONE subscription,
 * `<ns>.c2s.<replica>.>`; a sender addresses `<ns>.c2s.<replica>.<session>` as a
 * request, so "no responders" tells it at once that the route is stale, except around
 * a NATS outage (BusOutage), when it only says the other replica has not subscribed again yet.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { NoRespondersError, requestReply } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/telemetry';
import type { StreamErrorCondition } from '@gatehouse/xmpp';
import type { Route } from './route-table.ts';
import type { LocalSession } from './local-session.ts';
import type { SessionDirectory } from './session-directory.ts';
import type { BusOutage, HoldOutcome } from './bus-outage.ts';

const CONTROL_HEADER = 'Gatehouse-Control';
const GONE = 'gone';
const TAKEN = 'ok';
/** Pause before asking again a replica that did not answer around an outage. */
const RETRY_MS = 200;

/**
 * `taken`: the session has it. `gone`: there is no such session (any more). `outage`: NATS
 * stayed away, or the replica silent after it, past the outage bounds.
 */
export type SendOutcome = 'taken' | 'gone' | 'outage';

export interface RouterOptions {
  nc: NatsConnection;
  replica: string;
  /** `namesFor(ns).subjects.c2s` */
  subjectFor: (replica: string, sessionId: string) => string;
  logger: Logger;
  directory: SessionDirectory;
  outage: BusOutage;
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
        // A throw here would unwind through the NATS client's socket handler and end the process.
        try {
          this.#take(msg);
        } catch (failure) {
          this.options.logger.error({ err: failure, subject: msg.subject }, 'could not take a routed stanza');
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.drain().catch(() => {});
  }

  #take(msg: Msg): void {
    const sessionId = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
    const session = this.local.get(sessionId);
    if (!session) {
      msg.respond(GONE);
      return;
    }
    if (msg.headers?.get(CONTROL_HEADER) === 'close') {
      session
        .terminate(msg.string() as StreamErrorCondition)
        .catch((error: unknown) => this.options.logger.warn({ err: error, sessionId }, 'closing a session on request failed'))
        .finally(() => {
          try {
            msg.respond(TAKEN);
          } catch (error) {
            this.options.logger.warn({ err: error, sessionId }, 'could not confirm a session close');
          }
        });
      return;
    }
    session.deliver(msg.string());
    msg.respond(TAKEN);
  }

  /**
   * Hands a serialised stanza to the session behind a route; false when it is gone, or
   * when an outage kept it away (counted and logged: the caller has no one to tell).
   */
  async deliver(route: Route, xml: string): Promise<boolean> {
    return (await this.#send(route, xml, false)) === 'taken';
  }

  /** deliver() for a caller that answers the sender itself (a stanza error) when an outage keeps the stanza away. */
  send(route: Route, xml: string): Promise<SendOutcome> {
    return this.#send(route, xml, true);
  }

  async #send(route: Route, xml: string, bounced: boolean): Promise<SendOutcome> {
    if (route.replica === this.options.replica) {
      const session = this.local.get(route.sessionId);
      if (!session) return 'gone';
      session.deliver(xml);
      return 'taken';
    }
    const outcome = await this.requestOrStale(route, xml);
    if (typeof outcome === 'string') return outcome;
    this.options.outage.lost({ reason: outcome.outage, replica: route.replica, bounced });
    return 'outage';
  }

  /** Closes the session behind a route, wherever it is; resolves when it is closed or gone. */
  async evict(route: Pick<Route, 'replica' | 'sessionId' | 'fullJid' | 'revision'>, condition: StreamErrorCondition): Promise<void> {
    if (route.replica === this.options.replica) {
      await this.local.get(route.sessionId)?.terminate(condition);
      return;
    }
    const control = headers();
    control.set(CONTROL_HEADER, 'close');
    const outcome = await this.requestOrStale(route as Route, condition, control);
    if (typeof outcome !== 'string') {
      this.options.logger.warn({ replica: route.replica, fullJid: route.fullJid, reason: outcome.outage }, 'could not close a session on another replica: NATS unavailable');
    }
  }

  /**
   * While NATS is away the request waits (BusOutage.hold) rather than sit in the client's
   * reconnect buffer; a request that failed because of an outage is made again until the
   * wait runs out. That retry may deliver a stanza twice when only its answer was lost
   * with the connection: a duplicate rather than a loss.
   */
  private async requestOrStale(
    route: Route,
    body: string,
    requestHeaders?: ReturnType<typeof headers>,
  ): Promise<'taken' | 'gone' | { outage: HoldOutcome | 'no-answer' }> {
    const { nc, subjectFor, logger, directory, outage } = this.options;
    const deadline = Date.now() + outage.limits.waitMs;
    for (;;) {
      // Checked first: the common case costs no await and no byte count.
      if (outage.down) {
        const held = await outage.hold(Buffer.byteLength(body), deadline);
        if (held !== 'up') return { outage: held };
      }
      const epoch = outage.epoch;
      try {
        const reply = await requestReply(nc, subjectFor(route.replica, route.sessionId), body, {
          timeoutMs: Math.max(1, Math.min(this.timeoutMs, deadline - Date.now())),
          ...(requestHeaders ? { headers: requestHeaders } : {}),
        });
        if (reply.string() === TAKEN) return 'taken';
        break;
      } catch (error) {
        const outageMeanwhile = outage.epoch !== epoch || outage.settling();
        if (outageMeanwhile) {
          if (Date.now() + RETRY_MS < deadline) {
            await sleep(RETRY_MS);
            continue;
          }
          return { outage: 'no-answer' };
        }
        if (!(error instanceof NoRespondersError)) {
          logger.warn({ err: error, replica: route.replica }, 'delivery to another replica failed');
          return 'gone';
        }
        break;
      }
    }
    // Nobody answers for that session: its replica died or it closed without cleaning up.
    await directory.dropStale(route).catch((error: unknown) => logger.warn({ err: error }, 'could not drop a stale route'));
    return 'gone';
  }
}
