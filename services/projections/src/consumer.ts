import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

const ACK_WAIT_MS = 30_000;

/**
 * The projection's durable pull consumer: named after it, so a restart resumes where the
 * last ack left off. `max_ack_pending: 1` keeps delivery strictly in stream order even
 * when a message is nak'ed for a retry: with more in flight, a later event could be applied
 * first and the retried one would then fall under the checkpoint and be lost.
 */
export async function ensureConsumer(jsm: JetStreamManager, stream: string, name: string): Promise<void> {
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

export async function deleteConsumer(jsm: JetStreamManager, stream: string, name: string): Promise<void> {
  try {
    await jsm.consumers.delete(stream, name);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
  }
}
