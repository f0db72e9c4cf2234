import {
  ServiceError,
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
import { isClientEvent, namesFor } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { ClientFact } from './client/client.ts';
import { clientEndpoints } from './endpoints.ts';
import { handleAccountEvent } from './intake/account-intake.ts';
import { accountFactsFrom } from './intake/account-facts.ts';
import type { IntakeDeps } from './intake/intake-deps.ts';
import { KeyedQueue } from '@gatehouse/event-store';
import { SessionIntake } from './intake/session-intake.ts';
import { LoginView } from './logins/login-view.ts';
import { SessionReader } from './logins/session-reader.ts';
import { handleTokenEvent } from './intake/token-intake.ts';
import { ClientNotFoundError } from './client/decide.ts';
import { revokeClient, type RevokeDeps, type RevokeRequest } from './revoke/revoke.ts';
import { natsClientStream, registrySource } from './store/client-stream.ts';
import { ClientView } from './store/client-view.ts';
import { createClientHandler } from './store/handler.ts';

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
}

export interface ClientRegistryService {
  /** Resolves once the client aggregates are loaded, the intakes run and the endpoints answer. */
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
 * It keeps them in memory, folded from the clients stream, and keeps them current from
 * what the gateways (sessions stream) and the token service (tokens stream) report and
 * from account changes; it answers `client.revoke`.
 *
 * Since catalog v2 a login is stored once, as session.established, and the registry
 * appends a client event only when a login changes the client. What every login changes
 * (live sessions, last seen, last password and FAST use) it keeps in a login view in
 * memory, and rebuilds that at start by folding the sessions stream, as it folds the
 * clients stream: restart-safe without a write per login. The sessions stream ages out
 * (STREAM_SESSIONS_MAX_AGE_S, 90 days by default); a use older than that is still in the
 * record, as of the client event that last restated it.
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
}: ClientRegistryServiceDeps): ClientRegistryService {
  const names = namesFor(ns);
  const logins = new LoginView();
  const view = new ClientView(logins);
  const stream = natsClientStream(nc, ns);
  const execute = createClientHandler({ view, stream, clock });
  const token = serviceCaller(nc, ns, 'token');
  const intakes: DurableIntake[] = [];
  let follower: Follower | undefined;
  let api: RunningService | undefined;

  const settled = async (timeoutMs = 5_000) => {
    const jsm = await managerOf(nc);
    const results = await Promise.all(intakes.map(async (intake) => intake.waitFor((await jsm.streams.info(intake.stream)).state.last_seq, timeoutMs)));
    return results.every(Boolean);
  };

  const revokeDeps: RevokeDeps = {
    view,
    execute,
    clock,
    async refresh(key) {
      // One read of the last sequence; the whole history only when the view lags it.
      if ((await stream.lastSequence(key)) !== view.get(key).sequence) view.replace(key, await stream.load(key));
      return view.state(key);
    },
    async revokeGrant({ jid, clientId }, reason) {
      await token('grant.revoke', { jid, clientId, reason }).catch((error: unknown) => {
        if (!(error instanceof ServiceError && error.code === 'grant-not-found')) throw error;
      });
    },
    publishAccessCut: (notice) => publishAccessCut(nc, ns, notice, registrySource),
    accountExists: async (jid) => (await token('account.exists', { jid })).exists,
  };

  const revoke = async (revocation: RevokeRequest) => {
    try {
      return await revokeClient(revokeDeps, revocation);
    } catch (error) {
      // The listing reads logins straight from the sessions stream (catalog v2), so a user may
      // revoke a client this registry has not read yet: read what was stored, then decide again.
      if (!(error instanceof ClientNotFoundError) || !(await settled(REVOKE_CATCH_UP_MS))) throw error;
      return revokeClient(revokeDeps, revocation);
    }
  };

  /**
   * The login view as of every session event stored now. The sessions intake then resumes
   * where its acks reached, which may be before: the view skips what it has folded, the
   * decisions are taken again (and store nothing twice).
   */
  const foldLogins = async (legacyIds: ReturnType<typeof legacyClientIds>) => {
    const reader = new SessionReader({ logins, legacyIds, enforceClientIds, nameLegacyClients: false });
    const fold = followStream(nc, { stream: names.streams.sessions, deliver: 'all', logger }, async (event, seq) => {
      logins.apply(await reader.read(event), seq);
    });
    await fold.caughtUp;
    await fold.stop();
  };

  return {
    async start() {
      await ensureStreams(nc, ns);
      const legacyIds = legacyClientIds(await openKv(nc, names.buckets.legacyClients));
      follower = followStream(nc, { stream: names.streams.clients, deliver: 'all', logger }, (event, seq) => {
        if (isClientEvent(event)) view.apply(event as ClientFact, seq);
      });
      // Deciding on a half-loaded view would re-create clients that already exist.
      await follower.caughtUp;
      await foldLogins(legacyIds);
      const deps: IntakeDeps = {
        execute,
        view,
        maxClientsPerAccount,
        lock: new KeyedQueue(),
        accountFacts: async (jid) => accountFactsFrom((await readAggregate(nc, names.streams.accounts, names.subjects.account(jid))).events),
      };
      const reader = new SessionReader({
        logins,
        legacyIds,
        enforceClientIds,
        nameLegacyClients: true,
        sessionHistory: async (sessionId) => (await readAggregate(nc, names.streams.sessions, names.subjects.session(sessionId))).events,
      });
      const sessions = new SessionIntake(deps, logins, reader);
      const options = { nc, name: CONSUMER, logger, ...(retryDelayMs === undefined ? {} : { retryDelayMs }) };
      intakes.push(
        durableIntake({ ...options, stream: names.streams.sessions, handle: (event, seq) => sessions.handle(event, seq) }),
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
