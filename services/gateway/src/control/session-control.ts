/**
 * Events that must cut live access on every replica: a deleted account, a changed
 * password, a revoked client. Each replica reads them with one ordered consumer per
 * stream (never one per session); after a NATS outage the consumer resumes from its
 * last sequence, so a change made meanwhile still takes effect.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { followStream } from '@gatehouse/bus';
import type { GatehouseEvent } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { StreamErrorCondition } from '@gatehouse/xmpp';

/** What control needs to know of a live session. */
export interface ControlledSession {
  readonly bareJid: string | undefined;
  readonly fullJid: string | undefined;
  readonly login: { clientId?: string } | undefined;
  terminate(condition: StreamErrorCondition, text?: string, reason?: string): Promise<void>;
}

export interface ControlDecision {
  jid: string;
  condition: StreamErrorCondition;
  text: string;
  /** The `session.ended` reason: why, for auditors and for last activity, where the stream error says only how. */
  reason: 'account-deleted' | 'password-changed' | 'client-revoked';
  /** Which of the account's sessions it applies to; all of them when absent. */
  applies?: (session: ControlledSession) => boolean;
}

export function controlDecision(event: GatehouseEvent): ControlDecision | undefined {
  switch (event.type) {
    case 'gatehouse.account.deleted.v1':
      return { jid: event.data.jid, condition: 'not-authorized', text: 'account deleted', reason: 'account-deleted' };
    case 'gatehouse.account.password-changed.v1':
      return { jid: event.data.jid, condition: 'reset', text: 'password changed: log in again', reason: 'password-changed' };
    case 'gatehouse.client.revoked.v1': {
      const { clientId, fullJids } = event.data;
      return {
        jid: event.data.jid,
        // RFC 6120 §4.9.3.15 reset: the credentials this stream was built on are gone.
        condition: 'reset',
        text: 'access revoked',
        reason: 'client-revoked',
        applies: (session) => session.login?.clientId === clientId || (session.fullJid !== undefined && fullJids.includes(session.fullJid)),
      };
    }
    default:
      return undefined;
  }
}

export interface SessionControlOptions {
  nc: NatsConnection;
  streams: string[];
  logger: Logger;
  sessionsOf(bareJid: string): ControlledSession[];
}

export function startSessionControl(opts: SessionControlOptions): { caughtUp: Promise<void>; stop(): Promise<void> } {
  const followers = opts.streams.map((stream) =>
    followStream(opts.nc, { stream, deliver: 'new', logger: opts.logger }, async (event) => {
      const decision = controlDecision(event);
      if (!decision) return;
      const sessions = opts.sessionsOf(decision.jid).filter((session) => decision.applies?.(session) ?? true);
      if (sessions.length > 0) opts.logger.info({ jid: decision.jid, sessions: sessions.length, reason: decision.text }, 'closing sessions');
      await Promise.all(sessions.map((session) => session.terminate(decision.condition, decision.text, decision.reason)));
    }),
  );
  return {
    caughtUp: Promise.all(followers.map((follower) => follower.caughtUp)).then(() => undefined),
    stop: async () => {
      await Promise.all(followers.map((follower) => follower.stop()));
    },
  };
}
