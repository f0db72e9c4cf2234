import type { NatsConnection } from '@nats-io/transport-node';
import { createEvent, namesFor, type ControlAccessCutData } from '@gatehouse/events';
import { appendEvent } from './append.ts';

/** Nats-Msg-Id (and event id) of the notice a deciding event causes: a retry within the duplicate window is stored once. */
export function accessCutId(causeId: string): string {
  return `access-cut:${causeId}`;
}

/**
 * Publishes `gatehouse.control.access-cut.v1` on the account's control subject, the notice
 * every gateway replica follows to close sessions. The deciding service calls it last,
 * after whatever must come first (grants and FAST tokens revoked), and again on a retry:
 * the id derived from the cause makes the repeat harmless.
 */
export async function publishAccessCut(nc: NatsConnection, ns: string, data: ControlAccessCutData, source: string): Promise<void> {
  const event = createEvent('gatehouse.control.access-cut.v1', {
    id: accessCutId(data.cause.id),
    subject: namesFor(ns).subjects.control(data.jid),
    source,
    data,
  });
  await appendEvent(nc, event);
}
