import { connect, type NatsConnection, type Status } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { BusUnavailableError } from './errors.ts';

export interface BusOptions {
  url: string;
  /** Connection name shown by the server (`nats server report connections`). */
  name: string;
  logger: Logger;
}

/**
 * Connects once, then reconnects forever: a service outlives NATS restarts. Only the
 * first connect can fail, with BusUnavailableError.
 */
export async function connectBus({ url, name, logger }: BusOptions): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    // noAsyncTraces: otherwise nats.js builds two Error objects (with stack traces) for every
    // request in case it fails; the bench profile showed them at 27 % of a routing gateway's CPU.
    nc = await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true });
  } catch (error) {
    throw new BusUnavailableError(url, { cause: error });
  }
  logger.info({ server: nc.getServer() }, 'NATS connected');
  void logStatus(nc, logger);
  return nc;
}

async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) describe(status, logger);
}

function describe(status: Status, logger: Logger): void {
  switch (status.type) {
    case 'disconnect':
      return logger.warn({ server: status.server }, 'NATS connection lost, reconnecting');
    case 'reconnect':
      return logger.info({ server: status.server }, 'NATS reconnected');
    case 'reconnecting':
    case 'ping':
      return logger.debug({ status: status.type }, 'NATS status');
    // Sent on every (re)connect, usually with nothing added or removed.
    case 'update':
      return logger.debug({ added: status.added, deleted: status.deleted }, 'NATS cluster changed');
    case 'forceReconnect':
      return logger.info('NATS reconnect forced');
    case 'ldm':
      return logger.warn({ server: status.server }, 'NATS server entering lame duck mode');
    case 'staleConnection':
      return logger.warn('NATS connection stale, reconnecting');
    case 'slowConsumer':
      return logger.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'NATS slow consumer');
    case 'error':
      return logger.error({ err: status.error }, 'NATS error');
    case 'close':
      return logger.info('NATS connection closed');
    default: {
      const unknown: never = status;
      return logger.debug({ status: unknown }, 'NATS status');
    }
  }
}
