import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';

export class NoRespondersError extends Error {
  readonly code = 'no-responders';
  constructor(readonly subject: string) {
    super(`no responders: ${subject}`);
    this.name = 'NoRespondersError';
  }
}

export class RequestTimeoutError extends Error {
  readonly code = 'timeout';
  constructor(
    readonly subject: string,
    timeoutMs: number,
  ) {
    super(`no reply from ${subject} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

interface Pending {
  subject: string;
  resolve(message: Msg): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply over one wildcard inbox subscription per connection, as nats.js does it,
 * without its cost: nats.js builds a RequestError, stack trace and all, for every request
 * that succeeds (when it "cancels" the settled promise), and the gateway makes one request
 * per routed stanza; the bench profile put that at 11 % of a routing gateway's CPU. A 503
 * status reply is NATS saying nobody subscribes to the subject.
 */
class Requester {
  readonly #prefix = createInbox();
  readonly #pending = new Map<string, Pending>();
  #counter = 0;

  constructor(private readonly nc: NatsConnection) {
    nc.subscribe(`${this.#prefix}.*`, { callback: (_error, message) => this.#settle(message) });
  }

  request(subject: string, data: string | Uint8Array, { timeoutMs, headers }: { timeoutMs: number; headers?: MsgHdrs }): Promise<Msg> {
    const token = (this.#counter++).toString(36);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(token);
        reject(new RequestTimeoutError(subject, timeoutMs));
      }, timeoutMs);
      this.#pending.set(token, { subject, resolve, reject, timer });
      try {
        this.nc.publish(subject, data, { reply: `${this.#prefix}.${token}`, ...(headers ? { headers } : {}) });
      } catch (error) {
        clearTimeout(timer);
        this.#pending.delete(token);
        reject(error as Error);
      }
    });
  }

  #settle(message: Msg | undefined): void {
    if (!message) return;
    const token = message.subject.slice(this.#prefix.length + 1);
    const pending = this.#pending.get(token);
    if (!pending) return;
    this.#pending.delete(token);
    clearTimeout(pending.timer);
    if (message.headers?.code === 503) pending.reject(new NoRespondersError(pending.subject));
    else pending.resolve(message);
  }
}

const requesters = new WeakMap<NatsConnection, Requester>();

/** Sends a request and resolves with the first reply; NoRespondersError or RequestTimeoutError otherwise. */
export function requestReply(
  nc: NatsConnection,
  subject: string,
  data: string | Uint8Array,
  options: { timeoutMs: number; headers?: MsgHdrs },
): Promise<Msg> {
  let requester = requesters.get(nc);
  if (!requester) {
    requester = new Requester(nc);
    requesters.set(nc, requester);
  }
  return requester.request(subject, data, options);
}
