import type { NatsConnection } from '@nats-io/transport-node';
import { createEvent, namesFor, type ControlAccessCutData } from '@gatehouse/events';
import { appendEvent } from './append.ts';

/**
 * Publishes `gatehouse.control.access-cut.v1` on the account's control subject, the notice
 * every gateway replica follows to close sessions. The deciding service calls it last,
 * after whatever must come first (grants and FAST tokens revoked), and again on a retry:
 * the id (and Nats-Msg-Id) derived from the cause makes a repeat within the duplicate
 * window harmless.
 */
export async function publishAccessCut(nc: NatsConnection, ns: string, data: ControlAccessCutData, source: string): Promise<void> {
  const event = createEvent('gatehouse.control.access-cut.v1', {
    id: `access-cut:${data.cause.id}`,
    subject: namesFor(ns).subjects.control(data.jid),
    source,
    data,
  });
  await appendEvent(nc, event);
}
