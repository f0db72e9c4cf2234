import type { NatsConnection } from '@nats-io/transport-node';
import { request } from '@gatehouse/bus';
import type { ScramCredential, ScramMechanism } from '@gatehouse/xmpp';

export interface CredentialAnswer {
  /** False for an unknown account; the credential is then a stable decoy (RFC 5802 §9). */
  exists: boolean;
  credential: ScramCredential;
}

export interface CredentialLookup {
  lookup(jid: string, mechanism: ScramMechanism): Promise<CredentialAnswer>;
}

/** The token service owns credentials; the gateway asks for them per login and keeps none. */
export function tokenServiceCredentials(nc: NatsConnection, tokenGroup: string, timeoutMs = 3_000): CredentialLookup {
  return {
    lookup: (jid, mechanism) =>
      request<CredentialAnswer>(nc, `${tokenGroup}.auth.credentials`, { jid, mechanism }, { timeoutMs }),
  };
}
