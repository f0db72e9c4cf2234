/** What a client stream needs from its gateway: limits, auth services, routing, events. */
import type { LegacyClientIds } from '@gatehouse/bus';
import type { StreamErrorCondition } from '@gatehouse/xmpp';
import type { Logger } from '@gatehouse/telemetry';
import type { AddressSlots } from '../auth/address-slots.ts';
import type { CredentialLookup } from '../auth/credentials.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { TokenClient } from '../auth/token-client.ts';
import type { OutboundContext } from './outbound.ts';
import type { SessionEventSink } from './session-events.ts';

export interface SessionLimits {
  preAuthStanzaBytes: number;
  stanzaBytes: number;
  authTimeoutMs: number;
  maxAuthFailures: number;
  /** Resources one account may have bound at once, cluster-wide. */
  resourcesPerAccount: number;
  /** Largest broadcast presence stanza (bytes): it is held in KV while the session is available. */
  presenceBytes: number;
}

export interface SessionDeps extends OutboundContext {
  replica: string;
  limits: SessionLimits;
  credentials: CredentialLookup;
  tokens: TokenClient;
  /** ENFORCE_CLIENT_IDS: every login must name its client (SASL2 user-agent id). */
  enforceClientIds: boolean;
  throttle: LoginThrottle;
  authSlots: AddressSlots;
  /** C2S_MAX_PREAUTH_CONNECTIONS_PER_IP: connections per address not yet authenticated. */
  unauthenticatedConnections: AddressSlots;
  events: SessionEventSink;
  /** Names clients that sent no `<user-agent id>` by their full JID, at binding. */
  legacyClients: Pick<LegacyClientIds, 'idFor'>;
  /** Stream errors we sent, by condition (the metrics endpoint's stream_errors_total). */
  streamErrors: { inc(condition: StreamErrorCondition): void };
  logger: Logger;
}
