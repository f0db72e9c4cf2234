import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

const managers = new WeakMap<NatsConnection, Promise<JetStreamManager>>();

/**
 * The connection's JetStream manager, made once. Each `jetstreamManager()` call first asks
 * the server for the account's JetStream info (checkAPI); `ensureStreams`, which every
 * service runs at start, is where a server without JetStream is found out.
 */
export function managerOf(nc: NatsConnection): Promise<JetStreamManager> {
  let manager = managers.get(nc);
  if (!manager) {
    manager = jetstreamManager(nc, { checkAPI: false });
    managers.set(nc, manager);
  }
  return manager;
}
