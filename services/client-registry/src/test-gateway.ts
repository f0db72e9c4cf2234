import { randomBytes } from 'node:crypto';
import { appendEvent, legacyClientIds, openKv, serviceCaller, type NatsConnection } from '@gatehouse/bus';
import { createEvent, namesFor, type EventDataMap, type EventType } from '@gatehouse/events';

type SessionType = Extract<EventType, `gatehouse.session.${string}`>;

export interface Login {
  jid: string;
  clientId?: string;
  method?: 'password' | 'fast';
  mechanism?: string;
  userAgent?: { software?: string; device?: string; uri?: string };
}

/**
 * What a gateway replica reports about its sessions (catalog v2: session.established when
 * a session binds, session.ended when it goes; nothing for a login that never binds), and
 * the token service calls it makes at a SASL2 login (sasl2.ts): for tests of what is built
 * from those reports. A client without `<user-agent id>` is named for its full JID in the
 * legacy clients bucket, as the gateway names it. `emit` writes any session event, old
 * types included.
 */
export function testGateway(nc: NatsConnection, ns: string) {
  const names = namesFor(ns);
  const emit = async <Type extends SessionType>(type: Type, data: EventDataMap[Type]) => {
    const sessionId = (data as { sessionId: string }).sessionId;
    return (await appendEvent(nc, createEvent(type, { subject: names.subjects.session(sessionId), source: 'gatehouse/gateway/gw0', data }))).seq;
  };
  const token = serviceCaller(nc, ns, 'token');
  const legacyIds = openKv(nc, names.buckets.legacyClients).then(legacyClientIds);

  return {
    emit,
    token,
    /** Authenticates a new stream; a SASL2 login with a client id also records its grant, and a FAST token when asked; `bind` establishes the session. */
    async login(login: Login, options: { bind?: string; requestToken?: boolean } = {}) {
      const sessionId = randomBytes(16).toString('base64url').slice(0, 22);
      const method = login.method ?? 'password';
      const openedAt = new Date().toISOString();
      let fastToken: string | undefined;
      if (login.clientId) {
        if (options.requestToken) {
          fastToken = (
            await token('fast.issue', { jid: login.jid, clientId: login.clientId, mechanism: 'HT-SHA-256-NONE', authenticatedBy: method })
          ).token;
        }
        await token('grant.record', { jid: login.jid, clientId: login.clientId, authenticatedBy: method, ...(login.userAgent ? { userAgent: login.userAgent } : {}) });
      }
      const fullJid = options.bind === undefined ? undefined : `${login.jid}/${options.bind}`;
      if (!fullJid) return { sessionId, fullJid, fastToken };
      const clientId = login.clientId ?? (await (await legacyIds).idFor(fullJid));
      await emit('gatehouse.session.established.v1', {
        sessionId,
        replica: 'gw0',
        jid: fullJid,
        transport: 'tls',
        clientIp: '127.0.0.1',
        openedAt,
        mechanism: login.mechanism ?? (method === 'fast' ? 'HT-SHA-256-NONE' : 'SCRAM-SHA-256'),
        method,
        clientId,
        legacy: login.clientId === undefined,
        ...(login.userAgent ? { userAgent: login.userAgent } : {}),
      });
      return { sessionId, fullJid, clientId, fastToken };
    },
    async close(session: { sessionId: string; fullJid?: string | undefined; clientId?: string | undefined }, reason = 'closed-by-client') {
      if (!session.fullJid) return;
      await emit('gatehouse.session.ended.v1', { sessionId: session.sessionId, jid: session.fullJid, reason, ...(session.clientId ? { clientId: session.clientId } : {}) });
    },
  };
}
