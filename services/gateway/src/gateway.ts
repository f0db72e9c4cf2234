/**
 * Composition root of one gateway replica. Order matters: the route mirror must be
 * complete before a client can bind (or conflicts go unseen), and the delivery
 * subscription must exist before our routes are visible to other replicas.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { EventOutbox, call, ensureStreams, legacyClientIds, openKv } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { GatewayConfig } from './config.ts';
import { SessionDirectory } from './routing/session-directory.ts';
import { Router } from './routing/router.ts';
import { BusOutage } from './routing/bus-outage.ts';
import { ReplicaLiveness, HEARTBEAT_MAX_AGE_MS } from './routing/replica-liveness.ts';
import { C2sSession, type SessionDeps } from './c2s/session.ts';
import { outboxEventSink } from './c2s/outbox-event-sink.ts';
import { tokenServiceCredentials } from './auth/credentials.ts';
import { tokenServiceClient } from './auth/token-client.ts';
import { LOGIN_THROTTLE_WINDOW_MS, LoginThrottle } from './auth/login-throttle.ts';
import { memoryFailureCounters, mirroredFailureCounters, withLocalFallback } from './auth/failure-counters.ts';
import { AddressSlots } from './auth/address-slots.ts';
import { startSessionControl } from './control/session-control.ts';
import { clientServices } from './c2s/client-services.ts';
import { adminApiRouter } from './http/admin-api.ts';
import { listenDirectTls, listenStartTls, type Listener } from './transports/listeners.ts';
import { startHttpServer } from './http/http-server.ts';
import { startAdminServer } from './http/admin-server.ts';
import { rosterAdminRouter } from './http/roster-admin.ts';
import { startIm } from './im/im.ts';
import { LabelledCounter } from './http/labelled-counter.ts';
import type { Transport } from './transports/transport.ts';
import type { TlsMaterial } from './tls/index.ts';

export type GatewaySettings = Pick<
  GatewayConfig,
  | 'GATEHOUSE_NAMESPACE' | 'XMPP_DOMAIN' | 'GATEWAY_REPLICA_ID' | 'GATEWAY_BIND_ADDRESS' | 'C2S_PORT' | 'C2S_TLS_PORT' | 'HTTP_PORT'
  | 'C2S_STANZA_SIZE_LIMIT' | 'C2S_PREAUTH_STANZA_SIZE_LIMIT' | 'C2S_AUTH_TIMEOUT_MS' | 'C2S_MAX_AUTH_FAILURES' | 'C2S_MAX_RESOURCES_PER_ACCOUNT' | 'C2S_SEND_BUFFER_LIMIT' | 'C2S_MAX_CONCURRENT_AUTH_PER_IP' | 'C2S_MAX_PREAUTH_CONNECTIONS_PER_IP' | 'C2S_PRESENCE_SIZE_LIMIT'
  | 'C2S_TLS_FIRST_ANSWER_DELAY_MS' | 'C2S_AUTH_FREE_FAILURES_PER_IP' | 'C2S_READ_RATE_BYTES_PER_S' | 'C2S_READ_BURST_BYTES'
  | 'ENFORCE_CLIENT_IDS' | 'ROSTER_ADMIN_SECRET' | 'ADMIN_TOKEN'
  | 'HTTP_TLS' | 'HTTP_BIND_ADDRESS' | 'TRUSTED_PROXIES' | 'WEBSOCKET_ALLOWED_ORIGINS' | 'ADMIN_HTTP_PORT' | 'ADMIN_HTTP_BIND_ADDRESS'
  | 'GATEWAY_OUTAGE_WAIT_MS' | 'GATEWAY_OUTAGE_BUFFER_STANZAS' | 'GATEWAY_OUTAGE_BUFFER_BYTES'
  | 'STREAM_SESSIONS_MAX_AGE_S' | 'STREAM_SESSIONS_MAX_BYTES' | 'STREAM_AGGREGATES_MAX_MSGS'
>;

export interface GatewayPorts {
  c2s: number;
  c2sTls: number;
  http: number;
  admin: number;
}

export interface Gateway {
  start(): Promise<GatewayPorts>;
  stop(): Promise<void>;
  readonly replica: string;
}

export function createGateway(deps: { nc: NatsConnection; settings: GatewaySettings; tls: TlsMaterial; logger: Logger }): Gateway {
  const { nc, settings, tls, logger } = deps;
  const names = namesFor(settings.GATEHOUSE_NAMESPACE);
  const replica = settings.GATEWAY_REPLICA_ID;
  const sessions = new Set<C2sSession>();
  const listeners: Listener[] = [];
  const stoppers: Array<() => Promise<void> | void> = [];
  let ready = false;

  async function start(): Promise<GatewayPorts> {
    await ensureStreams(nc, settings.GATEHOUSE_NAMESPACE, { limits: settings, logger });
    const directory = new SessionDirectory(await openKv(nc, names.buckets.sessions, { history: 1 }), replica, logger);
    await directory.start();
    stoppers.push(() => directory.stop());

    const outage = new BusOutage(
      nc,
      { waitMs: settings.GATEWAY_OUTAGE_WAIT_MS, maxStanzas: settings.GATEWAY_OUTAGE_BUFFER_STANZAS, maxBytes: settings.GATEWAY_OUTAGE_BUFFER_BYTES },
      logger,
    );
    const router = new Router({ nc, replica, subjectFor: names.subjects.c2s, logger, directory, outage });
    router.start();
    stoppers.push(() => router.stop());

    const accounts = {
      exists: async (jid: string) => (await call(nc, names.namespace, 'token.account.exists', { jid })).exists,
    };
    // Before liveness: its sweep tells a lost session's contacts through the IM features.
    const im = await startIm({ nc, names, domain: settings.XMPP_DOMAIN, replica, router, directory, accounts, logger });
    stoppers.push(() => im.stop());

    const outbox = new EventOutbox(nc, logger);
    stoppers.push(async () => {
      await Promise.race([outbox.drain(), new Promise((resolve) => setTimeout(resolve, 3_000))]);
      outbox.stop();
    });
    const sessionEvents = outboxEventSink(outbox, names, replica, logger);

    const heartbeats = await openKv(nc, names.buckets.replicas, { maxAgeMs: HEARTBEAT_MAX_AGE_MS });
    const liveness = new ReplicaLiveness(heartbeats, replica, directory, router, logger, {
      sessionLost: ({ sessionId, fullJid }) => sessionEvents.ended({ sessionId, jid: fullJid, reason: 'replica-lost' }),
      routeLost: (route) => im.routeLost(route),
    });
    await liveness.start();
    stoppers.push(() => liveness.stop());

    // The control stream exists: ensureStreams made it above.
    const control = startSessionControl({
      nc,
      stream: names.streams.control,
      logger,
      sessionsOf: (bareJid) => [...sessions].filter((session) => session.bareJid === bareJid),
    });
    await control.caughtUp;
    stoppers.push(() => control.stop());

    const clients = clientServices(nc, names);
    const streamErrors = new LabelledCounter('stream_errors_total', 'condition');
    const sharedFailureCounts = await mirroredFailureCounters(await openKv(nc, names.buckets.loginFailures, { maxAgeMs: LOGIN_THROTTLE_WINDOW_MS }), {
      windowMs: LOGIN_THROTTLE_WINDOW_MS,
      owner: replica,
      logger,
    });
    stoppers.push(() => sharedFailureCounts.stop());
    const failureCounts = withLocalFallback(
      sharedFailureCounts,
      memoryFailureCounters({ windowMs: LOGIN_THROTTLE_WINDOW_MS }),
      logger,
    );
    const sessionDeps: SessionDeps = {
      domain: settings.XMPP_DOMAIN,
      replica,
      limits: {
        preAuthStanzaBytes: settings.C2S_PREAUTH_STANZA_SIZE_LIMIT,
        stanzaBytes: settings.C2S_STANZA_SIZE_LIMIT,
        authTimeoutMs: settings.C2S_AUTH_TIMEOUT_MS,
        maxAuthFailures: settings.C2S_MAX_AUTH_FAILURES,
        resourcesPerAccount: settings.C2S_MAX_RESOURCES_PER_ACCOUNT,
        presenceBytes: settings.C2S_PRESENCE_SIZE_LIMIT,
      },
      credentials: tokenServiceCredentials(nc, names.namespace),
      tokens: tokenServiceClient(nc, names.namespace),
      enforceClientIds: settings.ENFORCE_CLIENT_IDS,
      throttle: new LoginThrottle(failureCounts, logger, { freeFailuresPerAddress: settings.C2S_AUTH_FREE_FAILURES_PER_IP }),
      authSlots: new AddressSlots(settings.C2S_MAX_CONCURRENT_AUTH_PER_IP),
      unauthenticatedConnections: new AddressSlots(settings.C2S_MAX_PREAUTH_CONNECTIONS_PER_IP),
      events: sessionEvents,
      legacyClients: legacyClientIds(await openKv(nc, names.buckets.legacyClients)),
      streamErrors,
      router,
      directory,
      accounts,
      im,
      clients,
      logger,
    };
    const accept = (transport: Transport) => {
      const session = new C2sSession(transport, sessionDeps);
      sessions.add(session);
      transport.attach({
        streamStart: (attrs) => session.streamStart(attrs),
        stanza: (element, resume) => session.stanza(element, resume),
        streamEnd: () => session.streamEnd(),
        streamFault: (error) => session.streamFault(error),
        closed: () => {
          sessions.delete(session);
          session.closed();
        },
      });
    };
    const host = settings.GATEWAY_BIND_ADDRESS;
    const stanzaLimit = settings.C2S_PREAUTH_STANZA_SIZE_LIMIT;
    const sendBufferLimit = settings.C2S_SEND_BUFFER_LIMIT;
    const firstAnswerDelayMs = settings.C2S_TLS_FIRST_ANSWER_DELAY_MS;
    const readLimit = { bytesPerS: settings.C2S_READ_RATE_BYTES_PER_S, burstBytes: settings.C2S_READ_BURST_BYTES };
    const c2s = await listenStartTls({ host, port: settings.C2S_PORT, tls, stanzaLimit, sendBufferLimit, firstAnswerDelayMs, readLimit, accept });
    const c2sTls = await listenDirectTls({ host, port: settings.C2S_TLS_PORT, tls, stanzaLimit, sendBufferLimit, firstAnswerDelayMs, readLimit, accept });
    const isReady = () => ready && nc.isClosed() === false;
    const http = await startHttpServer({
      // Plain HTTP carries no credentials safely: only a proxy on this machine should reach it.
      host: settings.HTTP_BIND_ADDRESS ?? (settings.HTTP_TLS ? host : '127.0.0.1'),
      port: settings.HTTP_PORT,
      tls: settings.HTTP_TLS ? tls : undefined,
      trustedProxies: settings.TRUSTED_PROXIES,
      allowedOrigins: settings.WEBSOCKET_ALLOWED_ORIGINS,
      stanzaLimit,
      sendBufferLimit,
      maxMessageBytes: settings.C2S_STANZA_SIZE_LIMIT + 1024,
      readLimit,
      accept,
      ready: isReady,
    });
    const admin = await startAdminServer({
      host: settings.ADMIN_HTTP_BIND_ADDRESS,
      port: settings.ADMIN_HTTP_PORT,
      ready: isReady,
      mounts: [
        [
          '/',
          adminApiRouter({
            adminToken: settings.ADMIN_TOKEN,
            listClients: clients.list,
            revokeClient: (jid, id) => clients.revoke(jid, id, 'revoked-by-admin'),
          }),
        ],
        [
          '/roster_admin',
          rosterAdminRouter({
            secret: settings.ROSTER_ADMIN_SECRET,
            domain: settings.XMPP_DOMAIN,
            logger,
            refresh: async (jid) => {
              const changes = await im.client.refreshExternal(jid);
              await im.externalRosterChanged(jid, changes).catch((error: unknown) => logger.warn({ err: error, jid }, 'refreshed roster: presence not updated'));
            },
          }),
        ],
      ],
      metrics: () => ({ local_streams: sessions.size, bound_sessions: router.local.size, cluster_routes: directory.table.size, outbox_pending: outbox.pending, outage_undelivered_total: outage.undelivered, ...streamErrors.samples() }),
    });
    listeners.push(c2s, c2sTls, http, admin);
    ready = true;
    const ports = { c2s: c2s.port, c2sTls: c2sTls.port, http: http.port, admin: admin.port };
    logger.info({ replica, ...ports }, 'gateway listening');
    return ports;
  }

  async function stop(): Promise<void> {
    ready = false;
    await Promise.all([...sessions].map((session) => session.terminate('system-shutdown', 'the server is shutting down')));
    await Promise.all(listeners.splice(0).map((listener) => listener.close()));
    for (const stopper of stoppers.splice(0).reverse()) await stopper();
  }

  return { start, stop, replica };
}
