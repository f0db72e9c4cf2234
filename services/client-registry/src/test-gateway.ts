import { randomBytes } from 'node:crypto';
import { appendEvent, serviceCaller, type NatsConnection } from '@gatehouse/bus';
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
 * What a gateway replica reports about its sessions, and the token service calls it makes
 * at a SASL2 login (sasl2.ts): for tests of what is built from those reports.
 */
export function testGateway(nc: NatsConnection, ns: string) {
  const names = namesFor(ns);
  const emit = async <Type extends SessionType>(type: Type, data: EventDataMap[Type]) => {
    const sessionId = (data as { sessionId: string }).sessionId;
    return (await appendEvent(nc, createEvent(type, { subject: names.subjects.session(sessionId), source: 'gatehouse/gateway/gw0', data }))).seq;
  };
  const token = serviceCaller(nc, ns, 'token');

  return {
    emit,
    token,
    /** Authenticates a new stream; a SASL2 login with a client id also records its grant, and a FAST token when asked. */
    async login(login: Login, options: { bind?: string; requestToken?: boolean } = {}) {
      const sessionId = randomBytes(16).toString('base64url').slice(0, 22);
      const method = login.method ?? 'password';
      await emit('gatehouse.session.stream-opened.v1', { sessionId, replica: 'gw0', transport: 'tls', clientIp: '127.0.0.1' });
      await emit('gatehouse.session.authentication-succeeded.v1', {
        sessionId,
        jid: login.jid,
        mechanism: login.mechanism ?? (method === 'fast' ? 'HT-SHA-256-NONE' : 'SCRAM-SHA-256'),
        clientIp: '127.0.0.1',
        method,
        ...(login.clientId ? { clientId: login.clientId } : {}),
        ...(login.userAgent ? { userAgent: login.userAgent } : {}),
      });
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
      if (fullJid) await emit('gatehouse.session.resource-bound.v1', { sessionId, jid: fullJid, replica: 'gw0' });
      return { sessionId, fullJid, fastToken };
    },
    async close(session: { sessionId: string; fullJid?: string | undefined }, reason = 'closed-by-client') {
      if (session.fullJid) await emit('gatehouse.session.ended.v1', { sessionId: session.sessionId, jid: session.fullJid, reason });
      await emit('gatehouse.session.stream-closed.v1', { sessionId: session.sessionId, reason });
    },
  };
}
