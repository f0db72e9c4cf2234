import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { StreamError, XmppStreamParser, isRestartTrigger, streamErrorXml } from '@gatehouse/xmpp';
import type { TlsMaterial } from '../tls/index.ts';
import { escapeXML } from '@xmpp/xml';
import type { Transport, TransportHandler, TransportKind } from './transport.ts';
import { ReadThrottle, type ReadLimit } from './read-throttle.ts';

/** How long a peer gets to close its side after our `</stream:stream>` (RFC 6120 §4.4). */
const CLOSE_GRACE_MS = 2_000;

/**
 * RFC 6120 framing over a TCP socket: plain (STARTTLS on offer) or direct TLS.
 * The parser sees bytes; the session sees streamStart/stanza/streamEnd.
 */
export class StreamTransport implements Transport {
  readonly remoteAddress: string;
  secure: boolean;
  private handler: TransportHandler | undefined;
  private parser: XmppStreamParser;
  private stanzaLimit: number;
  private ended = false;
  private elementNext = false;
  private overflowed = false;
  /** Hold the answer to the client's first bytes after a TLS 1.3 handshake (see holdFirstAnswer). */
  private holdAnswer: boolean;
  private readonly throttle: ReadThrottle | undefined;

  constructor(
    private socket: Socket,
    readonly kind: Extract<TransportKind, 'tcp' | 'tls'>,
    private readonly tls: TlsMaterial,
    initialStanzaLimit: number,
    private readonly sendBufferLimit: number,
    /** C2S_TLS_FIRST_ANSWER_DELAY_MS; 0 answers at once. */
    private readonly firstAnswerDelayMs = 0,
    /** C2S_READ_RATE_BYTES_PER_S / C2S_READ_BURST_BYTES, from the first byte; undefined reads unthrottled. */
    readLimit?: ReadLimit,
  ) {
    this.throttle = readLimit && new ReadThrottle(readLimit, () => this.socket);
    this.remoteAddress = normaliseAddress(socket.remoteAddress);
    this.secure = kind === 'tls';
    this.stanzaLimit = initialStanzaLimit;
    this.parser = this.newParser();
    this.parser.pauseAfter = isRestartTrigger;
    this.holdAnswer = kind === 'tls' && isTls13(socket);
    socket.setNoDelay(true);
    this.listen(socket);
  }

  get canStartTls(): boolean {
    return this.kind === 'tcp' && !this.secure;
  }

  attach(handler: TransportHandler): void {
    this.handler = handler;
  }

  openStream(attrs: Record<string, string>): void {
    const rendered = Object.entries(attrs)
      .map(([name, value]) => ` ${name}='${escapeXML(value)}'`)
      .join('');
    this.send(
      `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'${rendered}>`,
    );
  }

  send(xml: string): void {
    if (this.ended || this.overflowed || !this.socket.writable) return;
    // A client that does not read its socket must not make us queue without bound: once
    // more than the limit is still waiting, the stream ends and stanzas for it are handled
    // as for an absent resource. One large write to a reading client stays allowed.
    if (this.socket.writableLength > this.sendBufferLimit) {
      this.overflowed = true;
      this.handler?.streamFault(new StreamError('policy-violation', `more than ${this.sendBufferLimit} bytes waiting to be read`));
      return;
    }
    this.socket.write(xml);
  }

  streamErrorXml(condition: string, text?: string): string {
    return streamErrorXml(condition as StreamError['condition'], text);
  }

  closeStream(): void {
    if (this.ended) return;
    this.send('</stream:stream>');
    this.ended = true;
    if (this.overflowed) {
      this.socket.destroy();
      return;
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  async startTls(): Promise<{ discardedBytes: number }> {
    const discardedBytes = this.parser.discardHeld();
    this.parser.removeAllListeners();
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    const secured = new TLSSocket(raw, { isServer: true, secureContext: this.tls.context });
    await new Promise<void>((resolve, reject) => {
      secured.once('secure', resolve);
      secured.once('error', reject);
    }).catch((error: unknown) => {
      raw.destroy();
      throw error;
    });
    this.socket = secured;
    this.secure = true;
    this.holdAnswer = isTls13(secured);
    this.parser = this.newParser();
    this.parser.pauseAfter = isRestartTrigger;
    this.listen(secured);
    return { discardedBytes };
  }

  restartStream(): void {
    this.parser.reset();
  }

  discardPipelined(): void {
    this.parser.discardHeld();
  }

  authenticated(): void {
    this.parser.pauseAfter = undefined;
  }

  setStanzaLimit(bytes: number): void {
    this.stanzaLimit = bytes;
  }

  channelBinding(): Buffer | undefined {
    return this.secure ? this.tls.endPoint : undefined;
  }

  expectElementNext(): void {
    this.elementNext = true;
  }

  /**
   * @xmpp/client 0.14, the most used JavaScript client, sends its stream header 1 ms after
   * a TLS 1.3 handshake (xmppjs/xmpp.js#889) and only then starts waiting for ours, once its
   * write callback has run (xmppjs/xmpp.js#570). Our header, answered within a fraction of a
   * millisecond over TCP_NODELAY, can be read before that callback: the client misses it and
   * start() times out with the session in fact online. Prosody, Nagle on by default, answers
   * tens of milliseconds later and never meets it. Our first answer on a TLS 1.3 stream is
   * therefore held a few milliseconds (corked, so it still leaves as one write).
   */
  private holdFirstAnswer(socket: Socket): void {
    this.holdAnswer = false;
    if (this.firstAnswerDelayMs <= 0) return;
    socket.cork();
    setTimeout(() => socket.uncork(), this.firstAnswerDelayMs).unref();
  }

  private newParser(): XmppStreamParser {
    const parser = new XmppStreamParser({ maxStanzaBytes: () => this.stanzaLimit });
    parser.on('streamStart', (attrs) => this.handler?.streamStart(attrs));
    parser.on('stanza', (element, resume) => this.handler?.stanza(element, resume));
    parser.on('streamEnd', () => this.handler?.streamEnd());
    parser.on('error', (error) => this.handler?.streamFault(error));
    return parser;
  }

  private listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      if (this.ended) return;
      this.throttle?.read(chunk.length);
      if (this.holdAnswer) this.holdFirstAnswer(socket);
      if (this.elementNext) {
        this.elementNext = false;
        if (chunk[0] !== 0x3c /* < */) {
          this.handler?.streamFault(new StreamError('policy-violation', 'only <response/> or <abort/> may follow a SASL2 challenge'));
          return;
        }
      }
      this.parser.write(chunk);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.ended = true;
      this.throttle?.stop();
      this.handler?.closed();
    });
  }
}

function isTls13(socket: Socket): boolean {
  return socket instanceof TLSSocket && socket.getProtocol() === 'TLSv1.3';
}

/** `::ffff:127.0.0.1` is how Node shows IPv4 clients on a dual-stack socket. */
export function normaliseAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
