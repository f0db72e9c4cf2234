import {
  ServiceError,
  callAll,
  durableIntake,
  legacyClientIds,
  ensureStreams,
  followStream,
  managerOf,
  openKv,
  publishAccessCut,
  readAggregate,
  serviceCaller,
  startService,
  type DurableIntake,
  type Follower,
  type NatsConnection,
  type RunningService,
} from '@gatehouse/bus';
import { createNatsEventStore, KeyedQueue } from '@gatehouse/event-store';
import { namesFor } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { clientAggregate } from './client/aggregate.ts';
import { ClientNotFoundError } from './client/decide.ts';
import { clientEndpoints } from './endpoints.ts';
import { accountFactsFrom } from './intake/account-facts.ts';
import { handleAccountEvent } from './intake/account-intake.ts';
import { OverLimitAccounts } from './intake/client-limit.ts';
import type { IntakeDeps } from './intake/intake-deps.ts';
import { SessionIntake } from './intake/session-intake.ts';
import { handleTokenEvent } from './intake/token-intake.ts';
import { loginFactsFrom } from './logins/login-facts.ts';
import { PreV2Sessions } from './logins/pre-v2-sessions.ts';
import { SessionReader } from './logins/session-reader.ts';
import { revokeClient, type RevokeDeps, type RevokeRequest } from './revoke/revoke.ts';
import { natsAccountClients, natsClientSubjectCount, registrySource, type ClientStore } from './store/clients.ts';

export interface ClientRegistryServiceDeps {
  nc: NatsConnection;
  /** GATEHOUSE_NAMESPACE: names the streams, bucket and service group used. */
  ns: string;
  /** XMPP domain whose accounts' clients this service keeps. */
  domain: string;
  logger: Logger;
  clock?: () => Date;
  /** ENFORCE_CLIENT_IDS: logins without a client id make no legacy client. */
  enforceClientIds?: boolean;
  /** Client records kept per account (CLIENT_REGISTRY_MAX_CLIENTS_PER_ACCOUNT); default 64. */
  maxClientsPerAccount?: number;
  /** Delay before a failed event is handled again (ms); default 1 s. */
  retryDelayMs?: number;
  /** Bytes of client state the cache of loaded clients may hold (@gatehouse/event-store); default 32 MiB. */
  cacheBytes?: number;
}

export interface ClientRegistryService {
  /** Resolves once the intakes run and the endpoints answer; nothing is read from history first. */
  start(): Promise<void>;
  stop(): Promise<void>;
  revoke(request: RevokeRequest): Promise<void>;
  /** True once every event stored so far in the sessions, tokens and accounts streams is handled; false after `timeoutMs`. */
  settled(timeoutMs?: number): Promise<boolean>;
}

export const clientRegistryVersion = '0.1.0';
/** How long a revocation waits for the registry to read what was stored before it (ms). */
const REVOKE_CATCH_UP_MS = 2_000;
/** The durable consumer on each stream the registry reads. */
const CONSUMER = 'client-registry';

/**
 * The client registry: owner of the client aggregates (mod_client_management's records).
 * It keeps them current from what the gateways (sessions stream) and the token service
 * (tokens stream) report and from account changes, and answers `client.revoke`.
 *
 * It holds only what it serves: a client is loaded from its own subject when a command
 * needs it (@gatehouse/event-store), kept in a bounded cache, and appended with the
 * expected last subject sequence; "every client of an account" is one wildcard read of
 * that account's subjects. Nothing is replayed at start. Since catalog v2 a login is
 * stored once, as session.established, and a client event only when a login changes the
 * client; what every login changes (live sessions, last sight, last password and FAST
 * use) is the projections service's (`projections.clients.logins`), fetched when a
 * revocation or the client limit needs it. Replicas share the durable intakes and the
 * requests; each follows the clients stream from now on to drop what another replica
 * changed from its cache (clientAggregate says which decisions rely on it).
 */
export function createClientRegistryService({
  nc,
  ns,
  domain,
  logger,
  clock = () => new Date(),
  enforceClientIds = false,
  maxClientsPerAccount = 64,
  retryDelayMs,
  cacheBytes,
}: ClientRegistryServiceDeps): ClientRegistryService {
  const names = namesFor(ns);
  const token = serviceCaller(nc, ns, 'token');
  const clientsOf = natsAccountClients(nc, names);
  const preV2 = new PreV2Sessions();
  const loginsOf = async (jid: string) => preV2.addTo(jid, loginFactsFrom((await callAll(nc, ns, 'projections.clients.logins', { jid })).items));
  const intakes: DurableIntake[] = [];
  let clients: ClientStore | undefined;
  let follower: Follower | undefined;
  let api: RunningService | undefined;

  const settled = async (timeoutMs = 5_000) => {
    const jsm = await managerOf(nc);
    const results = await Promise.all(intakes.map(async (intake) => intake.waitFor((await jsm.streams.info(intake.stream)).state.last_seq, timeoutMs)));
    return results.every(Boolean);
  };

  const revokeDeps = (store: ClientStore): RevokeDeps => ({
    clients: store,
    clientsOf,
    loginsOf,
    clock,
    async revokeGrant({ jid, clientId }, reason) {
      await token('grant.revoke', { jid, clientId, reason }).catch((error: unknown) => {
        if (!(error instanceof ServiceError && error.code === 'grant-not-found')) throw error;
      });
    },
    publishAccessCut: (notice) => publishAccessCut(nc, ns, notice, registrySource),
    accountExists: async (jid) => (await token('account.exists', { jid })).exists,
  });

  const revoke = async (revocation: RevokeRequest) => {
    if (!clients) throw new Error('the client registry is not started');
    const deps = revokeDeps(clients);
    try {
      return await revokeClient(deps, revocation);
    } catch (error) {
      // The listing reads logins straight from the sessions stream (catalog v2), so a user may
      // revoke a client the registry has not recorded yet: handle what was stored, then decide again.
      if (!(error instanceof ClientNotFoundError) || !(await settled(REVOKE_CATCH_UP_MS))) throw error;
      return revokeClient(deps, revocation);
    }
  };

  return {
    async start() {
      await ensureStreams(nc, ns);
      const store = await createNatsEventStore(nc, clientAggregate(names), {
        stream: names.streams.clients,
        source: registrySource,
        clock,
        logger,
        ...(cacheBytes === undefined ? {} : { cacheBytes }),
      });
      // From now on only: what another replica appends evicts this replica's stale copy.
      follower = followStream(nc, { stream: names.streams.clients, deliver: 'new', logger }, (event, seq) => store.observe(event.subject, seq));
      await follower.caughtUp;
      clients = store;
      const deps: IntakeDeps = {
        clients: store,
        clientsOf,
        clientCount: natsClientSubjectCount(nc, names),
        loginsOf,
        maxClientsPerAccount,
        overLimit: new OverLimitAccounts(),
        lock: new KeyedQueue(),
        accountFacts: async (jid) => accountFactsFrom((await readAggregate(nc, names.streams.accounts, names.subjects.account(jid))).events),
      };
      const reader = new SessionReader({
        legacyIds: legacyClientIds(await openKv(nc, names.buckets.legacyClients)),
        enforceClientIds,
        preV2,
        sessionHistory: async (sessionId) => (await readAggregate(nc, names.streams.sessions, names.subjects.session(sessionId))).events,
      });
      const sessions = new SessionIntake(deps, reader);
      const options = { nc, name: CONSUMER, logger, ...(retryDelayMs === undefined ? {} : { retryDelayMs }) };
      intakes.push(
        durableIntake({ ...options, stream: names.streams.sessions, handle: (event) => sessions.handle(event) }),
        durableIntake({ ...options, stream: names.streams.tokens, handle: (event) => handleTokenEvent(event, deps) }),
        durableIntake({ ...options, stream: names.streams.accounts, handle: (event) => handleAccountEvent(event, deps) }),
      );
      await Promise.all(intakes.map((intake) => intake.start()));
      api = await startService(
        nc,
        {
          name: 'client-registry',
          version: clientRegistryVersion,
          description: 'Gatehouse clients with access to each account: revocation',
          group: names.services.clientRegistry,
        },
        clientEndpoints({ domain, revoke }),
        logger,
      );
    },
    async stop() {
      await api?.stop();
      api = undefined;
      await Promise.all(intakes.splice(0).map((intake) => intake.stop()));
      await follower?.stop();
      follower = undefined;
    },
    revoke,
    settled,
  };
}
