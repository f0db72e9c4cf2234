/**
 * A byte-level XMPP client for wire tests: client libraries hide exactly the bytes
 * (stream errors, feature lists, header attributes) those tests are about.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export class RawXmppClient {
  received = '';
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(private socket: Socket) {
    this.listen(socket);
  }

  static async connect(port: number, opts: { tls?: boolean; host?: string } = {}): Promise<RawXmppClient> {
    const host = opts.host ?? '127.0.0.1';
    const socket = opts.tls
      ? tlsConnect({ host, port, rejectUnauthorized: false, servername: 'localhost' })
      : netConnect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new RawXmppClient(socket);
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Opens a client stream to `to` (default localhost). */
  open(to = 'localhost', extra = ''): void {
    this.send(`<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${to}' version='1.0'${extra}>`);
  }

  /**
   * Waits until everything received so far matches, then returns it and starts a new
   * capture. Attribute quotes are normalised to ' (XML treats both alike), so patterns
   * need not care which one the server's serialiser picked.
   */
  async expect(pattern: RegExp, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.received)) {
      if (this.closed) throw new Error(`connection closed; received: ${this.received}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${pattern}; received: ${this.received}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const text = this.received;
    this.received = '';
    return text;
  }

  async waitClosed(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`connection still open; received: ${this.received}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** STARTTLS after `<proceed/>`: the same socket, now TLS. */
  async upgradeToTls(): Promise<void> {
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    const secured = tlsConnect({ socket: raw, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secured.once('secureConnect', () => resolve());
      secured.once('error', reject);
    });
    this.socket = secured;
    this.listen(secured);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Stops reading the socket, like a client that is stuck: the server's output piles up. */
  stopReading(): void {
    this.socket.pause();
  }

  private listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.toString('utf8').replaceAll('"', "'");
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
