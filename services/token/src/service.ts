import { followStream, pageBudget, publishAccessCut, startService, type Follower, type NatsConnection, type RunningService } from '@gatehouse/bus';
import { isAccountEvent, namesFor, type EndpointOf } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { grantLastUsedAt, revokeAccountAccess } from './access.ts';
import { natsAccountsStream, tokenSource } from './account/accounts-stream.ts';
import { AccountsView } from './account/accounts-view.ts';
import { createCommandHandler } from './account/command-handler.ts';
import { accountEndpoints, type AccessCause } from './endpoints.ts';
import { fastEndpoints } from './fast/endpoints.ts';
import { grantEndpoints } from './grant/endpoints.ts';
import { loadSharedSecret } from './shared-secret.ts';
import { applyTokenEvent, createAccess, natsTokenStreams } from './tokens.ts';

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
}

export interface TokenService {
  /** Resolves once every stored event is folded in and the endpoints answer. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const tokenServiceVersion = '0.2.0';

const DAY_S = 86_400;

/**
 * The token service: owner of the account, grant and FAST token aggregates. Every replica
 * keeps all of them in memory, rebuilt from the streams at start and kept current by
 * following them; writes go through optimistic concurrency, so replicas never coordinate.
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
}: TokenServiceDeps): TokenService {
  const names = namesFor(ns);
  const view = new AccountsView();
  const followers: Follower[] = [];
  let service: RunningService | undefined;

  return {
    async start() {
      const [fakeSecret, tokenKey] = await Promise.all([
        loadSharedSecret(nc, ns, 'scram-fake-salt'),
        loadSharedSecret(nc, ns, 'fast-token-key'),
      ]);
      const access = createAccess(natsTokenStreams(nc, ns), {
        domain,
        accounts: view,
        tokenKey,
        clock,
        lifetimeMs: fastTokenLifetimeS * 1000,
        rotateAfterMs: fastTokenRotateAfterS * 1000,
        maxClientsPerAccount,
      });
      followers.push(
        followStream(nc, { stream: names.streams.accounts, filterSubject: names.subjects.accounts, deliver: 'all', logger }, (event, seq) => {
          if (isAccountEvent(event)) view.apply(event, seq);
        }),
        followStream(nc, { stream: names.streams.tokens, deliver: 'all', logger }, (event, seq) => applyTokenEvent(access, event, seq)),
      );
      // Answering before the history is folded in would report existing accounts and tokens as unknown.
      await Promise.all(followers.map((follower) => follower.caughtUp));
      const execute = createCommandHandler({ view, stream: natsAccountsStream(nc, ns), clock });
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
          ...accountEndpoints({ domain, iterations, view, execute, fakeSecret, revokeAccess, pageBytes: pageBudget(nc), grantUsedAt: (jid, clientId) => grantLastUsedAt(access, { jid, clientId }) }),
          ...grantEndpoints(access),
          ...fastEndpoints(access),
        } satisfies Record<EndpointOf<'token'>, unknown>,
        logger,
      );
      logger.info({ accounts: view.list().length }, 'accounts loaded');
    },
    async stop() {
      await service?.stop();
      await Promise.all(followers.splice(0).map((follower) => follower.stop()));
    },
  };
}
