import { followStream, startService, type Follower, type NatsConnection, type RunningService } from '@gatehouse/bus';
import { isAccountEvent, namesFor } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { natsAccountsStream } from './account/accounts-stream.ts';
import { AccountsView } from './account/accounts-view.ts';
import { createCommandHandler } from './account/command-handler.ts';
import { accountEndpoints } from './endpoints.ts';
import { loadFakeSecret } from './fake-secret.ts';

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
}

export interface TokenService {
  /** Resolves once every stored account event is folded in and the endpoints answer. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const tokenServiceVersion = '0.1.0';

/**
 * The token service: owner of the account aggregate. Every replica keeps all accounts in
 * memory, rebuilt from the accounts stream at start and kept current by following it;
 * writes go through optimistic concurrency, so replicas never need to coordinate.
 */
export function createTokenService({ nc, ns, domain, logger, clock = () => new Date(), iterations = 4096 }: TokenServiceDeps): TokenService {
  const names = namesFor(ns);
  const view = new AccountsView();
  let follower: Follower | undefined;
  let service: RunningService | undefined;

  return {
    async start() {
      const fakeSecret = await loadFakeSecret(nc, ns);
      follower = followStream(
        nc,
        { stream: names.streams.accounts, filterSubject: names.subjects.accounts, deliver: 'all', logger },
        (event, seq) => {
          if (isAccountEvent(event)) view.apply(event, seq);
        },
      );
      // Answering before the history is folded in would report existing accounts as unknown.
      await follower.caughtUp;
      const execute = createCommandHandler({ view, stream: natsAccountsStream(nc, ns), clock });
      service = await startService(
        nc,
        { name: 'token', version: tokenServiceVersion, description: 'Gatehouse accounts and credentials', group: names.services.token },
        accountEndpoints({ domain, iterations, view, execute, fakeSecret }),
        logger,
      );
      logger.info({ accounts: view.list().length }, 'accounts loaded');
    },
    async stop() {
      await service?.stop();
      await follower?.stop();
    },
  };
}
