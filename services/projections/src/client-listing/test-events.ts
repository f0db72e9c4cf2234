import { createEvent, encodeEvent, type EventDataMap, type EventType, type GatehouseEvent } from '@gatehouse/events';
import { jetstream } from '@nats-io/jetstream';
import type { Fixture } from '../test-fixture.ts';

type ClientType = Extract<EventType, `gatehouse.client.${string}`>;
type SessionType = Extract<EventType, `gatehouse.session.${string}`>;

export const sid = (n: number) => `S${String(n).padStart(21, '0')}`;

/** Publishers of client events as client-registry writes them, and session events as the gateway does. */
export function eventWriters(fixture: Fixture) {
  const publish = async (subject: string, event: GatehouseEvent) => (await jetstream(fixture.nc).publish(subject, encodeEvent(event), { msgID: event.id })).seq;
  return {
    client: async <Type extends ClientType>(type: Type, data: EventDataMap[Type], time: string) => {
      const { jid, clientId } = data as { jid: string; clientId: string };
      const subject = fixture.names.subjects.client(jid, clientId);
      return publish(subject, createEvent(type, { subject, source: 'gatehouse/client-registry', data, time }));
    },
    session: async <Type extends SessionType>(type: Type, data: EventDataMap[Type], time: string) => {
      const subject = fixture.names.subjects.session((data as { sessionId: string }).sessionId);
      return publish(subject, createEvent(type, { subject, source: 'gatehouse/gateway/gw-1', data, time }));
    },
  };
}
