import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { StreamError, XmppStreamParser, isRestartTrigger, streamErrorXml } from '@gatehouse/xmpp';
import type { TlsMaterial } from '../tls/index.ts';
import { escapeXML } from '@xmpp/xml';
import type { Transport, TransportHandler, TransportKind } from './transport.ts';

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

  constructor(
    private socket: Socket,
    readonly kind: Extract<TransportKind, 'tcp' | 'tls'>,
    private readonly tls: TlsMaterial,
    initialStanzaLimit: number,
    private readonly sendBufferLimit: number,
  ) {
    this.remoteAddress = normaliseAddress(socket.remoteAddress);
    this.secure = kind === 'tls';
    this.stanzaLimit = initialStanzaLimit;
    this.parser = this.newParser();
    this.parser.pauseAfter = isRestartTrigger;
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
      this.handler?.closed();
    });
  }
}

/** `::ffff:127.0.0.1` is how Node shows IPv4 clients on a dual-stack socket. */
export function normaliseAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
