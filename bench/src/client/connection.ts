/**
 * The load client's socket: direct TLS (XEP-0368) with Nagle off, and a string buffer
 * that steps wait on with a regular expression.
 *
 * Regexes on the byte stream, not an XML parser: a bench client talks only to servers it
 * knows, sends only what it wrote itself, and must spend next to nothing per byte, or
 * the figures would measure the client. That is fine here and wrong anywhere else.
 */
import { connect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';

export class ProtocolError extends Error {
  readonly code = 'protocol-error';
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export class StepTimeoutError extends Error {
  readonly code = 'step-timeout';
  constructor(pattern: RegExp, ms: number, received: string) {
    super(`no ${pattern} within ${ms} ms; last received: ${received.slice(-300)}`);
    this.name = 'StepTimeoutError';
  }
}

export interface Endpoint {
  host: string;
  port: number;
  domain: string;
}

interface Waiter {
  pattern: RegExp;
  resolve(match: RegExpExecArray): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

// One context for every connection: building one per connect (loading the CA store)
// cost the client more than its SCRAM work. Certificates are not checked (self-signed).
let sharedContext: SecureContext | undefined;

export const STREAM_END = /<\/stream:stream>|<stream:error[\s\S]*?<\/stream:error>/;

export class Connection {
  private buffer = '';
  private waiter: Waiter | undefined;
  /** When set, every chunk goes here instead of the buffer (streaming figures). */
  private sink: ((chunk: string) => void) | undefined;
  /** Resolves with the time (performance.now) the socket ended or closed. */
  readonly ended: Promise<number>;

  private constructor(readonly socket: TLSSocket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    this.ended = new Promise((resolve) => {
      const done = () => resolve(performance.now());
      socket.once('end', done);
      socket.once('close', done);
    });
    socket.once('close', () => this.fail(new ProtocolError('socket closed')));
    socket.on('error', (error) => this.fail(error));
  }

  static open(endpoint: Endpoint, timeoutMs = 10_000): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({
        host: endpoint.host,
        port: endpoint.port,
        servername: endpoint.domain,
        secureContext: (sharedContext ??= createSecureContext()),
        rejectUnauthorized: false,
        ALPNProtocols: ['xmpp-client'],
      });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ProtocolError(`TLS to ${endpoint.host}:${endpoint.port} not up within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(new Connection(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  write(data: string): void {
    this.socket.write(data);
  }

  /** Waits for `pattern` in what arrived since the last match, and consumes up to its end. */
  expect(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    if (this.waiter) return Promise.reject(new ProtocolError('one step at a time'));
    const match = pattern.exec(this.buffer);
    if (match) return Promise.resolve(this.consume(match));
    if (this.socket.destroyed) return Promise.reject(new ProtocolError(`socket closed while waiting for ${pattern}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new StepTimeoutError(pattern, timeoutMs, this.buffer));
      }, timeoutMs);
      this.waiter = { pattern, resolve, reject, timer };
    });
  }

  /** Hands every later chunk (and what is buffered now) to `sink`. */
  stream(sink: (chunk: string) => void): void {
    this.sink = sink;
    if (this.buffer) sink(this.buffer);
    this.buffer = '';
  }

  /** Ends our stream and waits (bounded) for the server to end its own, then frees the socket. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (!this.socket.destroyed) this.socket.write('</stream:stream>');
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([this.ended, timer]);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    if (this.sink) return this.sink(chunk);
    this.buffer += chunk;
    const waiter = this.waiter;
    if (!waiter) return;
    const match = waiter.pattern.exec(this.buffer);
    if (!match) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.resolve(this.consume(match));
  }

  private consume(match: RegExpExecArray): RegExpExecArray {
    this.buffer = this.buffer.slice(match.index + match[0].length);
    return match;
  }

  private fail(error: Error): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }
}
