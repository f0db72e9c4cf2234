import type { NatsConnection } from '@nats-io/transport-node';
import { call } from '@gatehouse/bus';
import type { ReplyOf } from '@gatehouse/events';
import type { ScramMechanism } from '@gatehouse/xmpp';

/** `exists` false for an unknown account; the credential is then a stable decoy (RFC 5802 §9). */
export type CredentialAnswer = ReplyOf<'token.auth.credentials'>;

export interface CredentialLookup {
  /** With the client's id, the answer also tells when that client's live grant was last used. */
  lookup(jid: string, mechanism: ScramMechanism, clientId?: string): Promise<CredentialAnswer>;
}

/** The token service owns credentials; the gateway asks for them per login and keeps none. */
export function tokenServiceCredentials(nc: NatsConnection, ns: string, timeoutMs = 3_000): CredentialLookup {
  return {
    lookup: (jid, mechanism, clientId) => call(nc, ns, 'token.auth.credentials', { jid, mechanism, ...(clientId === undefined ? {} : { clientId }) }, { timeoutMs }),
  };
}
