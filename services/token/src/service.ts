import { publishAccessCut, startService, type Follower, type NatsConnection, type RunningService } from '@gatehouse/bus';
import { namesFor, type EndpointOf } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { createAccess, grantLastUsedAt, revokeAccountAccess } from './access.ts';
import { tokenSource } from './aggregates.ts';
import { followForCoherence } from './coherence.ts';
import { accountEndpoints, type AccessCause } from './endpoints.ts';
import { fastEndpoints } from './fast/endpoints.ts';
import { grantEndpoints } from './grant/endpoints.ts';
import { loadSharedSecret } from './shared-secret.ts';
import { natsTokenStores } from './stores.ts';

export interface TokenServiceDeps {
  nc: NatsConnection;
  /** GATEHOUSE_NAMESPACE: names the streams, bucket and service group used. */
  ns: string;
  /** XMPP domain whose accounts this service owns. */
  domain: string;
  logger: Logger;
  clock?: () => Date;
  /** PBKDF2 iterations for new SCRAM credentials (SCRAM_ITERATIONS); default 4096. */
  iterations?: number;
  /** FAST_TOKEN_LIFETIME_S: seconds a FAST token lives; default 21 days. */
  fastTokenLifetimeS?: number;
  /** FAST_TOKEN_ROTATE_AFTER_S: token age in seconds after which a FAST login gets a fresh one; default 1 day. */
  fastTokenRotateAfterS?: number;
  /** TOKEN_MAX_CLIENTS_PER_ACCOUNT: live grants per account; the least recently used go first; default 64. */
  maxClientsPerAccount?: number;
  /** TOKEN_CACHE_MB in bytes: state each of the three aggregate caches keeps; default 32 MiB. */
  cacheBytes?: number;
}

export interface TokenService {
  /** Resolves once the endpoints answer: nothing is read from the streams first. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const tokenServiceVersion = '0.3.0';

const DAY_S = 86_400;

/**
 * The token service: owner of the account, grant and FAST token aggregates. Each is loaded
 * from its own subject when a request needs it, kept in a bounded cache, and appended with
 * optimistic concurrency (@gatehouse/event-store), so replicas never coordinate and none
 * holds what nobody asks for. Both streams are followed from now only to drop cached
 * entries another replica has changed (coherence.ts).
 */
export function createTokenService({
  nc,
  ns,
  domain,
  logger,
  clock = () => new Date(),
  iterations = 4096,
  fastTokenLifetimeS = 21 * DAY_S,
  fastTokenRotateAfterS = DAY_S,
  maxClientsPerAccount = 64,
  cacheBytes = 32 * 1024 * 1024,
}: TokenServiceDeps): TokenService {
  const names = namesFor(ns);
  const followers: Follower[] = [];
  let service: RunningService | undefined;

  return {
    async start() {
      const [fakeSecret, tokenKey, stores] = await Promise.all([
        loadSharedSecret(nc, ns, 'scram-fake-salt'),
        loadSharedSecret(nc, ns, 'fast-token-key'),
        natsTokenStores(nc, ns, { clock, logger, cacheBytes }),
      ]);
      const access = createAccess(stores, {
        ns,
        domain,
        tokenKey,
        clock,
        lifetimeMs: fastTokenLifetimeS * 1000,
        rotateAfterMs: fastTokenRotateAfterS * 1000,
        maxClientsPerAccount,
      });
      followers.push(...followForCoherence(nc, ns, stores, logger));
      // Following from now: resolves once each follower knows where "now" is, with nothing to replay.
      await Promise.all(followers.map((follower) => follower.caughtUp));
      // Grants and FAST tokens first, then the notice every gateway closes the account's sessions on.
      const revokeAccess = async (jid: string, reason: 'password-changed' | 'account-deleted', cause: AccessCause) => {
        await revokeAccountAccess(access, jid, reason, cause.at);
        await publishAccessCut(nc, ns, { jid, reason, cause: { type: cause.type, id: cause.id } }, tokenSource);
      };
      service = await startService(
        nc,
        {
          name: 'token',
          version: tokenServiceVersion,
          description: 'Gatehouse accounts, credentials, grants and FAST tokens',
          group: names.services.token,
        },
        {
          ...accountEndpoints({ domain, iterations, accounts: stores.accounts, fakeSecret, revokeAccess, grantUsedAt: (jid, clientId) => grantLastUsedAt(access, { jid, clientId }) }),
          ...grantEndpoints(access),
          ...fastEndpoints(access),
        } satisfies Record<EndpointOf<'token'>, unknown>,
        logger,
      );
    },
    async stop() {
      await service?.stop();
      await Promise.all(followers.splice(0).map((follower) => follower.stop()));
    },
  };
}
