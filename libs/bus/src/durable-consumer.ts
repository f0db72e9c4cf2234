import { AckPolicy, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

const ACK_WAIT_MS = 30_000;

/**
 * A durable pull consumer in strict stream order, for readers that build state from a
 * whole stream and keep no checkpoint of their own (client-registry): named, so a restart resumes where the last
 * ack left off; `max_ack_pending: 1`, so a message nak'ed for a retry cannot be overtaken
 * by a later one (which would then hide it under a checkpoint, or apply a bind before
 * its login).
 */
export async function ensureOrderedConsumer(jsm: JetStreamManager, stream: string, name: string): Promise<void> {
  try {
    await jsm.consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: 1,
      max_deliver: -1,
      ack_wait: nanos(ACK_WAIT_MS),
    });
  } catch (error) {
    // Created by an earlier version with other settings: keep it rather than lose its position.
    await jsm.consumers.info(stream, name).catch(() => {
      throw error;
    });
  }
}
