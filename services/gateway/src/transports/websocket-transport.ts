import type { WebSocket } from 'ws';
import { escapeXML } from '@xmpp/xml';
import { parseFrame, streamErrorXml, StreamError, closeFrame, isRestartTrigger } from '@gatehouse/xmpp';
import type { Transport, TransportHandler } from './transport.ts';
import { ReadThrottle, type ReadLimit } from './read-throttle.ts';

/** RFC 7395 §3.6: how long the client gets to answer our `<close/>`. */
const CLOSE_GRACE_MS = 2_000;

/** Messages received after a restart trigger, waiting for its outcome (see XmppStreamParser). */
interface Held {
  messages: string[];
  bytes: number;
  discard: boolean;
}

/**
 * RFC 7395 framing: every WebSocket text message is one complete element. TLS, if
 * any, is the WebSocket's (wss here, or at a trusted proxy in front), so STARTTLS is
 * never offered (§3.9).
 */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket' as const;
  readonly canStartTls = false;
  private handler: TransportHandler | undefined;
  private stanzaLimit: number;
  private ended = false;
  private overflowed = false;
  private watchTriggers = true;
  private held: Held | undefined;
  private readonly throttle: ReadThrottle | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly remoteAddress: string,
    readonly secure: boolean,
    initialStanzaLimit: number,
    private readonly sendBufferLimit: number,
    /** tls-server-end-point data where our own TLS carries the WebSocket (wss://). */
    private readonly endPoint?: Buffer,
    /** C2S_READ_RATE_BYTES_PER_S / C2S_READ_BURST_BYTES; ws.pause() stops reading its socket. */
    readLimit?: ReadLimit,
  ) {
    this.stanzaLimit = initialStanzaLimit;
    this.throttle = readLimit && new ReadThrottle(readLimit, () => socket);
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => {
      this.ended = true;
      this.throttle?.stop();
      this.handler?.closed();
    });
    socket.on('error', () => socket.terminate());
  }

  attach(handler: TransportHandler): void {
    this.handler = handler;
  }

  openStream(attrs: Record<string, string>): void {
    const rendered = Object.entries(attrs)
      .map(([name, value]) => ` ${name}='${escapeXML(value)}'`)
      .join('');
    this.send(`<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'${rendered}/>`);
  }

  send(xml: string): void {
    if (this.ended || this.overflowed || this.socket.readyState !== this.socket.OPEN) return;
    // As in StreamTransport: a client that does not read must not make us queue without bound.
    if (this.socket.bufferedAmount > this.sendBufferLimit) {
      this.overflowed = true;
      this.handler?.streamFault(new StreamError('policy-violation', `more than ${this.sendBufferLimit} bytes waiting to be read`));
      return;
    }
    this.socket.send(xml);
  }

  streamErrorXml(condition: string, text?: string): string {
    return streamErrorXml(condition as StreamError['condition'], text, { websocket: true });
  }

  closeStream(): void {
    if (this.ended) return;
    this.send(closeFrame());
    this.ended = true;
    if (this.overflowed) {
      this.socket.terminate();
      return;
    }
    this.socket.close(1000);
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  async startTls(): Promise<{ discardedBytes: number }> {
    throw new StreamError('unsupported-feature', 'STARTTLS is not available over WebSocket');
  }

  restartStream(): void {
    // Each message is parsed on its own (§3.3.3): there is no parser state to reset. Held
    // messages, such as an <open/> pipelined behind <auth/>, follow when the trigger resumes.
  }

  discardPipelined(): void {
    if (this.held) this.held.discard = true;
  }

  authenticated(): void {
    this.watchTriggers = false;
  }

  setStanzaLimit(bytes: number): void {
    this.stanzaLimit = bytes;
  }

  channelBinding(): Buffer | undefined {
    return this.endPoint; // none where TLS ends at a proxy: we cannot bind to its channel
  }

  expectElementNext(): void {
    // Every message is one whole element already (RFC 7395 §3.3.3).
  }

  private receive(data: unknown, isBinary: boolean): void {
    if (this.ended || !this.handler) return;
    this.throttle?.read(messageBytes(data));
    if (isBinary) {
      // §3.2: XMPP over WebSocket uses text frames only.
      this.handler.streamFault(new StreamError('bad-format', 'binary WebSocket messages are not XMPP (RFC 7395 §3.2)'));
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : String(data);
    if (this.held) this.hold(this.held, text);
    else this.process(text);
  }

  private process(text: string): void {
    if (this.ended || !this.handler) return;
    let frame;
    try {
      frame = parseFrame(text, this.stanzaLimit);
    } catch (error) {
      if (error instanceof StreamError) {
        this.handler.streamFault(error);
        return;
      }
      throw error;
    }
    if (frame.kind === 'open') this.handler.streamStart(frame.attrs);
    else if (frame.kind === 'close') this.handler.streamEnd();
    else if (this.watchTriggers && isRestartTrigger(frame.element)) {
      // A pipelined <open/> is handled after the outcome of <auth/>, in order, like the
      // stanzas: streamStart does not wait in the session's queue.
      const held: Held = { messages: [], bytes: 0, discard: false };
      this.held = held;
      this.handler.stanza(frame.element, () => this.resume(held));
    } else this.handler.stanza(frame.element);
  }

  private hold(held: Held, text: string): void {
    if (this.held !== held) return;
    held.messages.push(text);
    held.bytes += Buffer.byteLength(text);
    if (held.bytes > this.stanzaLimit) {
      this.held = undefined;
      this.handler?.streamFault(new StreamError('policy-violation', `more than ${this.stanzaLimit} bytes sent before an answer to a restart trigger`));
    }
  }

  private resume(held: Held): void {
    if (this.held !== held) return;
    this.held = undefined;
    if (held.discard) return;
    const pending = held.messages;
    let text: string | undefined;
    while (this.held === undefined && (text = pending.shift()) !== undefined) this.process(text);
    // Another trigger among them paused again: the rest waits for that one.
    const next = this.held;
    if (next !== undefined) for (const text of pending) this.hold(next, text);
  }
}

/** Size of a `ws` message: a Buffer, fragments, or an ArrayBuffer. */
function messageBytes(data: unknown): number {
  if (Array.isArray(data)) return data.reduce((sum: number, part: Buffer) => sum + part.length, 0);
  if (data instanceof ArrayBuffer) return data.byteLength;
  return Buffer.isBuffer(data) ? data.length : Buffer.byteLength(String(data));
}
