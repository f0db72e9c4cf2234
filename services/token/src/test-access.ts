import { createHmac, randomBytes } from 'node:crypto';
import type { Endpoints } from '@gatehouse/bus';
import type { ScramCredentials } from '@gatehouse/events';
import { revokeAccountAccess, type Access } from './access.ts';
import { AccountsView } from './account/accounts-view.ts';
import { MemoryClientStream } from './aggregate/memory-client-stream.ts';
import { fastEndpoints } from './fast/endpoints.ts';
import { evolve as evolveFastToken, initialState as noFastToken, type FastTokenFact, type FastTokenState } from './fast/fast-token.ts';
import { grantEndpoints } from './grant/endpoints.ts';
import { evolve as evolveGrant, initialState as noGrant, type GrantFact, type GrantState } from './grant/grant.ts';
import { createAccess } from './tokens.ts';

const credential = { salt: 'AAAA', iterations: 4096, storedKey: 'AAAA', serverKey: 'AAAA' };
const credentials: ScramCredentials = { 'SCRAM-SHA-1': credential, 'SCRAM-SHA-256': credential };
export const DAY_MS = 86_400_000;

/**
 * The grant and FAST endpoints over in-memory streams with a fake clock, for unit tests.
 * Accounts are folded straight into the view, as the accounts follower would.
 */
export function testAccess({ lifetimeMs = 21 * DAY_MS, rotateAfterMs = DAY_MS, maxClientsPerAccount = 64 } = {}) {
  let now = new Date('2025-03-01T00:00:00.000Z');
  let sequence = 0;
  const accounts = new AccountsView();
  const streams = {
    grants: new MemoryClientStream<GrantFact, GrantState>(evolveGrant, noGrant),
    tokens: new MemoryClientStream<FastTokenFact, FastTokenState>(evolveFastToken, noFastToken),
  };
  const tokenKey = randomBytes(32);
  const replicaAccess = () => createAccess(streams, { domain: 'localhost', accounts, tokenKey, clock: () => now, lifetimeMs, rotateAfterMs, maxClientsPerAccount });
  const endpointsOf = (of: Access): Endpoints => ({ ...grantEndpoints(of), ...fastEndpoints(of) });
  const access = replicaAccess();
  const endpoints = endpointsOf(access);
  const time = () => now.toISOString();
  return {
    access,
    streams,
    tokenKey,
    now: () => now,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    call: <T = unknown>(endpoint: string, payload: unknown) => endpoints[endpoint]!(payload) as Promise<T>,
    /** The endpoints of another replica over the same streams, whose views have read nothing yet. */
    replica() {
      const other = endpointsOf(replicaAccess());
      return <T = unknown>(endpoint: string, payload: unknown) => other[endpoint]!(payload) as Promise<T>;
    },
    createAccount(jid: string) {
      accounts.apply({ type: 'gatehouse.account.created.v1', time: time(), data: { jid, credentials } }, (sequence += 1));
    },
    /** `revoke: false` plays a service that stored the change and died before revoking. */
    async changePassword(jid: string, { revoke = true } = {}) {
      accounts.apply({ type: 'gatehouse.account.password-changed.v1', time: time(), data: { jid, credentials } }, (sequence += 1));
      if (revoke) await revokeAccountAccess(access, jid, 'password-changed', time());
    },
    async deleteAccount(jid: string) {
      accounts.apply({ type: 'gatehouse.account.deleted.v1', time: time(), data: { jid } }, (sequence += 1));
      await revokeAccountAccess(access, jid, 'account-deleted', time());
    },
    /** Everything appended to the grant and token streams, as JSON. */
    written: () => JSON.stringify([...streams.grants.appended, ...streams.tokens.appended]),
  };
}

/** A client's HT proof, computed as draft-schmaus-kitten-sasl-ht says, independently of the service. */
export function clientProof(token: string, label: 'Initiator' | 'Responder', cbData: Uint8Array = new Uint8Array()): string {
  return createHmac('sha256', token).update(label).update(cbData).digest('base64');
}
