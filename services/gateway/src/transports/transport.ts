import type { Element } from '@xmpp/xml';
import type { StreamError } from '@gatehouse/xmpp';

export type TransportKind = 'tcp' | 'tls' | 'websocket';

/** What a transport tells the session: the stream's lifecycle, already parsed. */
export interface TransportHandler {
  streamStart(attrs: Record<string, string>): void;
  /**
   * `resume` comes with a restart trigger (`<starttls/>`, SASL `<auth/>`/`<response/>`):
   * input behind it is held until the session calls it, once that element is handled.
   */
  stanza(element: Element, resume?: () => void): void;
  streamEnd(): void;
  /** The client broke the stream (XML, size, framing): the session answers with a stream error. */
  streamFault(error: StreamError): void;
  /** The connection is gone; nothing more can be sent. */
  closed(): void;
}

/**
 * One client connection, whatever carries it. TCP and TLS speak RFC 6120 framing
 * (one long XML document); WebSocket speaks RFC 7395 (one element per message), so
 * the session never needs to know which.
 */
export interface Transport {
  readonly kind: TransportKind;
  readonly remoteAddress: string;
  /** TLS protects the stream (direct TLS, STARTTLS done, or wss behind a trusted proxy). */
  readonly secure: boolean;
  /** STARTTLS can still be offered on this connection. */
  readonly canStartTls: boolean;
  attach(handler: TransportHandler): void;
  /** The response header: `<stream:stream …>` or RFC 7395 `<open/>`. */
  openStream(attrs: Record<string, string>): void;
  send(xml: string): void;
  /** A stream-level error element in this framing (RFC 7395 §3.3.3 needs xmlns:stream). */
  streamErrorXml(condition: string, text?: string): string;
  /** Sends the closing tag (`</stream:stream>` or `<close/>`) and ends the connection. */
  closeStream(): void;
  /**
   * Upgrades in place after `<proceed/>` (RFC 6120 §5.4.3.3). Plaintext the client sent
   * behind `<starttls/>` is dropped, never read as if it had come through TLS
   * (CVE-2011-0411); resolves to how many bytes that was.
   */
  startTls(): Promise<{ discardedBytes: number }>;
  /**
   * A new stream follows on the same connection (after SASL success): input held behind the
   * trigger is read as that stream's (XEP-0305 pipelining) when the trigger's `resume` runs.
   */
  restartStream(): void;
  /** The trigger being handled failed: input held behind it is dropped when it resumes. */
  discardPipelined(): void;
  /** Authentication is done: no restart trigger can come any more. */
  authenticated(): void;
  setStanzaLimit(bytes: number): void;
  /** tls-server-end-point data (RFC 5929) when TLS protects this connection. */
  channelBinding(): Buffer | undefined;
  /**
   * The next bytes must start an element: XEP-0388 forbids even whitespace while a SASL2
   * challenge is outstanding (the XML parser reports whitespace only later, with the next
   * element). A violation is reported as a stream fault.
   */
  expectElementNext(): void;
}
