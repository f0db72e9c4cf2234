/**
 * The control stream (docs/events.md, "Catalog v2"): the notices that must cut live access
 * on every replica, for a deleted account, a changed password or a revoked client. It is
 * the only stream a gateway follows, so per-login events never reach it. Each replica
 * reads it with one ordered consumer (never one per session); after a NATS outage the
 * consumer resumes from its last sequence, so a cut made meanwhile still takes effect.
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
  /** Its client: as named at binding, or its `<user-agent id>` before. */
  readonly clientId: string | undefined;
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

/** RFC 6120 §4.9.3: the stream error each reason closes a session with. */
const STREAM_ERRORS: Record<ControlDecision['reason'], { condition: StreamErrorCondition; text: string }> = {
  'account-deleted': { condition: 'not-authorized', text: 'account deleted' },
  // §4.9.3.15 reset: the credentials this stream was built on are gone.
  'password-changed': { condition: 'reset', text: 'password changed: log in again' },
  'client-revoked': { condition: 'reset', text: 'access revoked' },
};

export function controlDecision(event: GatehouseEvent): ControlDecision | undefined {
  if (event.type !== 'gatehouse.control.access-cut.v1') return undefined;
  const { jid, reason, clientId, fullJids = [] } = event.data;
  const decision = { jid, reason, ...STREAM_ERRORS[reason] };
  if (reason !== 'client-revoked') return decision;
  return {
    ...decision,
    applies: (session) => (clientId !== undefined && session.clientId === clientId) || (session.fullJid !== undefined && fullJids.includes(session.fullJid)),
  };
}

export interface SessionControlOptions {
  nc: NatsConnection;
  /** The namespace's control stream (`namesFor(ns).streams.control`), which must exist. */
  stream: string;
  logger: Logger;
  sessionsOf(bareJid: string): ControlledSession[];
}

export function startSessionControl(opts: SessionControlOptions): { caughtUp: Promise<void>; stop(): Promise<void> } {
  return followStream(opts.nc, { stream: opts.stream, deliver: 'new', logger: opts.logger }, async (event) => {
    const decision = controlDecision(event);
    if (!decision) return;
    const sessions = opts.sessionsOf(decision.jid).filter((session) => decision.applies?.(session) ?? true);
    if (sessions.length > 0) opts.logger.info({ jid: decision.jid, sessions: sessions.length, reason: decision.reason }, 'closing sessions');
    await Promise.all(sessions.map((session) => session.terminate(decision.condition, decision.text, decision.reason)));
  });
}
