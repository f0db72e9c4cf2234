/**
 * Account changes that must cut live access on every replica: a deleted account or a
 * changed password ends the account's sessions here. One ordered consumer per replica
 * (never one per session); after a NATS outage it resumes from its last sequence, so a
 * change made meanwhile is still applied.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { followStream } from '@gatehouse/bus';
import type { GatehouseEvent } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { StreamErrorCondition } from '@gatehouse/xmpp';
import type { C2sSession } from '../c2s/session.ts';

export interface AccountControlOptions {
  nc: NatsConnection;
  stream: string;
  logger: Logger;
  sessionsOf(bareJid: string): C2sSession[];
}

export function accountControlDecision(event: GatehouseEvent): { jid: string; condition: StreamErrorCondition; text: string } | undefined {
  switch (event.type) {
    case 'gatehouse.account.deleted.v1':
      return { jid: event.data.jid, condition: 'not-authorized', text: 'account deleted' };
    case 'gatehouse.account.password-changed.v1':
      return { jid: event.data.jid, condition: 'reset', text: 'password changed: log in again' };
    default:
      return undefined;
  }
}

export function startAccountControl(opts: AccountControlOptions): { caughtUp: Promise<void>; stop(): Promise<void> } {
  return followStream(opts.nc, { stream: opts.stream, deliver: 'new', logger: opts.logger }, async (event) => {
    const decision = accountControlDecision(event);
    if (!decision) return;
    const sessions = opts.sessionsOf(decision.jid);
    if (sessions.length > 0) opts.logger.info({ jid: decision.jid, sessions: sessions.length, reason: decision.text }, 'closing sessions');
    await Promise.all(sessions.map((session) => session.terminate(decision.condition, decision.text)));
  });
}
