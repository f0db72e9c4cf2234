/**
 * What the legacy SASL (RFC 6120 §6) and SASL2 (XEP-0388) exchanges see of their stream:
 * the offer for its transport, the login guard, and the session's outcomes.
 */
import type { SaslFailure, StanzaErrorCondition } from '@gatehouse/xmpp';
import type { Logger } from '@gatehouse/telemetry';
import type { CredentialLookup } from '../auth/credentials.ts';
import type { LoginGuard } from '../auth/login-guard.ts';
import type { FastMechanism, TokenClient } from '../auth/token-client.ts';
import type { Transport } from '../transports/transport.ts';
import { mechanismsFor } from './features.ts';
import type { LegacySaslHost } from './legacy-sasl.ts';
import type { Sasl2Host } from './sasl2.ts';
import type { SessionEventSink } from './session-events.ts';
import type { Login } from './stream-state.ts';

export type LoginOutcome = Login & { jid: string };
export type FailedStep = { condition: SaslFailure['condition']; username?: string; mechanism: string; reason?: string };

/** What a login uses of its stream. */
export interface LoginContext {
  readonly sessionId: string;
  readonly transport: Transport;
  readonly deps: {
    domain: string;
    credentials: CredentialLookup;
    tokens: TokenClient;
    enforceClientIds: boolean;
    events: Pick<SessionEventSink, 'authenticationFailed'>;
    limits: { stanzaBytes: number };
  };
  readonly log: Logger;
  readonly guard: LoginGuard;
}

/** The session's side of a login. */
export interface LoginOwner extends LoginContext {
  /** `restart`: §6.4.6, legacy SASL success starts a new stream; SASL2 success does not. */
  authenticated(outcome: LoginOutcome, restart: boolean): void;
  failed(step: FailedStep): Promise<void>;
  bindResource(resource: string): Promise<{ fullJid: string } | { condition: StanzaErrorCondition; text?: string }>;
  features(): string;
}

/** HT-SHA-256-ENDP needs tls-server-end-point data (RFC 5929), which only our own TLS has. */
export function fastMechanisms(transport: Transport): FastMechanism[] {
  return transport.channelBinding() ? ['HT-SHA-256-NONE', 'HT-SHA-256-ENDP'] : ['HT-SHA-256-NONE'];
}

/**
 * Frees the guard's slots and lifts the pre-authentication stanza limit. Nothing is
 * stored yet: the session is reported once established, when it binds its resource.
 */
export function loginSucceeded(context: LoginContext, jid: string): void {
  const { transport, deps, guard } = context;
  guard.succeeded(jid);
  transport.setStanzaLimit(deps.limits.stanzaBytes);
  transport.authenticated();
}

/** Frees the attempt's slot and reports the failure; false for an abort, which counts for nothing. */
export function loginFailed(context: LoginContext, step: FailedStep): boolean {
  const { sessionId, transport, deps, guard, log } = context;
  // Only wrong credentials are slowed down: a protocol slip is not a password guess.
  guard.failed(step.username, step.condition === 'not-authorized' || step.condition === 'credentials-expired');
  if (step.condition === 'aborted') return false;
  const clientIp = transport.remoteAddress;
  deps.events.authenticationFailed({ sessionId, username: step.username, mechanism: step.mechanism, clientIp, condition: step.condition, reason: step.reason });
  log.info({ mechanism: step.mechanism, condition: step.condition, reason: step.reason, clientIp, delayMs: guard.delayMs }, 'authentication failed');
  return true;
}

export function legacySaslHost(owner: LoginOwner): LegacySaslHost {
  const { transport, deps, guard } = owner;
  return {
    domain: deps.domain,
    credentials: deps.credentials,
    mechanisms: mechanismsFor(transport.secure),
    enforceClientIds: deps.enforceClientIds,
    send: (data) => transport.send(data),
    authenticated: (outcome) => {
      owner.authenticated(outcome, true);
      transport.restartStream();
    },
    failed: (step) => {
      // XEP-0305 pipelining: what the client sent behind <auth/> assumed success.
      transport.discardPipelined();
      return owner.failed(step);
    },
    admit: () => guard.admitAttempt(),
    settle: (who) => guard.settle(who),
  };
}

export function sasl2Host(owner: LoginOwner): Sasl2Host {
  const { transport, deps, guard } = owner;
  return {
    domain: deps.domain,
    passwordMechanisms: mechanismsFor(transport.secure),
    fastMechanisms: fastMechanisms(transport),
    enforceClientIds: deps.enforceClientIds,
    credentials: deps.credentials,
    tokens: deps.tokens,
    log: owner.log,
    channelBinding: () => transport.channelBinding(),
    send: (data) => transport.send(data),
    authenticated: (outcome) => owner.authenticated(outcome, false),
    failed: (step) => owner.failed(step),
    admit: () => guard.admitAttempt(),
    settle: (who) => guard.settle(who),
    bindResource: (resource) => owner.bindResource(resource),
    featuresAfterAuthentication: () => owner.features(),
  };
}
