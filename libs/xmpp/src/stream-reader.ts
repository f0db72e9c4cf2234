/**
 * One XML stream (RFC 6120 §4), from the bytes of its header to `</stream:stream>`: decodes
 * UTF-8, checks the header (§4.7, §4.8), builds first-level elements and bounds their size.
 * Results are queued in `events` for {@link XmppStreamParser} to emit once the chunk is
 * parsed, so a listener never runs, or throws, in the middle of the XML parser.
 *
 * Size accounting: "unconsumed" input starts at `boundary` (the end of the header or of the
 * last first-level element, or the `<` of the next one) and is what the XML parser may be
 * holding. It is checked against the limit after every chunk, so a peer can make us hold at
 * most the limit plus one chunk; each complete element is also checked exactly, from its `<`
 * to its `>`. Counting in bytes needs a UTF-8 length only once per chunk and per element.
 */
import { TextDecoder } from 'node:util';
import type { Element } from '@xmpp/xml';
import type { SaxesTagNS } from 'saxes';
import { StreamError } from './errors.ts';
import { NS_CLIENT, NS_STREAMS } from './namespaces.ts';
import { ElementBuilder } from './xml/element-builder.ts';
import { RestrictedXmlReader } from './xml/restricted-xml.ts';

export type StreamEvent =
  | { type: 'streamStart'; attrs: Record<string, string> }
  | { type: 'stanza'; element: Element }
  | { type: 'streamEnd' };

const WHITESPACE_ONLY = /^[ \t\r\n]*$/;
// §4.7.5: "major.minor", two integers; we speak major version 1 only.
const VERSION_1 = /^0*1\.[0-9]+$/;

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function newDecoder(): TextDecoder {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
}

export class StreamReader {
  readonly events: StreamEvent[] = [];
  // The BOM stays in the text (saxes skips it at the start) so the byte counts stay exact.
  private decoder = newDecoder();
  private readonly xml: RestrictedXmlReader;
  private readonly builder = new ElementBuilder();
  /** Code units of text fed to the XML parser before the current chunk. */
  private fed = 0;
  private chunk = '';
  private boundary = 0;
  /** UTF-8 bytes from `boundary` to the end of the previous chunks. */
  private pendingBytes = 0;
  /** Bytes of a character split across chunks that the decoder holds until the next one. */
  private carried = 0;

  constructor(private readonly maxBytes: () => number) {
    this.xml = new RestrictedXmlReader({
      openTag: (tag, depth) => this.openTag(tag, depth),
      closeTag: (depth) => this.closeTag(depth),
      text: (text, depth) => this.text(text, depth),
      cdata: (text, depth) => {
        if (depth === 1) throw new StreamError('bad-format', 'character data at stream level');
        this.builder.text(text);
      },
    });
  }

  /**
   * Parses one chunk; throws StreamError, leaving already completed events queued.
   *
   * With `pauseAfter`, parsing stops right behind the first element it matches, and the
   * byte offset in `bytes` where it stopped is returned: what follows was sent before the
   * peer saw our answer to that element, and may belong to another stream (TLS, or the
   * stream restarted after SASL success), so the caller decides where it goes. The XML
   * parser is then fed one piece per `>` (an element can only end there), so that it never
   * reads past the element; this costs a write per tag, so callers pass `pauseAfter` only
   * while such elements are expected (before authentication).
   */
  write(bytes: Buffer, pauseAfter?: (element: Element) => boolean): number | undefined {
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: true });
    } catch (err) {
      throw new StreamError('not-well-formed', 'invalid UTF-8', { cause: err });
    }
    const carriedIn = this.carried;
    this.carried = carriedIn + bytes.length - utf8Length(text);
    if (pauseAfter === undefined) {
      this.feed(text);
      return undefined;
    }
    for (let start = 0; start < text.length;) {
      const gt = text.indexOf('>', start);
      const end = gt === -1 ? text.length : gt + 1;
      const before = this.events.length;
      this.feed(text.slice(start, end));
      start = end;
      const last = this.events.at(-1);
      if (this.events.length > before && last?.type === 'stanza' && pauseAfter(last.element)) {
        // The rest of the chunk, and any partial character the decoder kept, is handed back
        // as bytes; a fresh decoder reads them if they come back to this stream.
        this.decoder = newDecoder();
        this.carried = 0;
        return utf8Length(text.slice(0, end)) - carriedIn;
      }
    }
    return undefined;
  }

  private feed(text: string): void {
    this.chunk = text;
    this.xml.write(text);
    this.pendingBytes = this.boundary >= this.fed
      ? utf8Length(text.slice(this.boundary - this.fed))
      : this.pendingBytes + utf8Length(text);
    this.fed += text.length;
    this.chunk = ''; // an idle connection should not keep its last read alive
    const limit = this.maxBytes();
    if (this.pendingBytes > limit) {
      throw new StreamError('policy-violation', `more than ${limit} bytes without a complete element`);
    }
  }

  /** UTF-8 bytes from `boundary` to the absolute offset `end` in the current chunk. */
  private bytesSinceBoundary(end: number): number {
    const { boundary, fed, chunk } = this;
    return boundary >= fed
      ? utf8Length(chunk.slice(boundary - fed, end - fed))
      : this.pendingBytes + utf8Length(chunk.slice(0, end - fed));
  }

  private openTag(tag: SaxesTagNS, depth: number): void {
    if (depth === 0) {
      this.header(tag);
      return;
    }
    // §4.8.2: without a default content namespace each first-level element must carry one.
    if (depth === 1 && tag.uri === '') {
      throw new StreamError('invalid-namespace', `<${tag.name}/> has no namespace`);
    }
    this.builder.openTag(tag);
  }

  private header(tag: SaxesTagNS): void {
    // §4.8.1: the root is <stream/> in the stream namespace, else invalid-namespace.
    if (tag.local !== 'stream' || tag.uri !== NS_STREAMS) {
      throw new StreamError('invalid-namespace', `<${tag.name}/> is not the stream element`);
    }
    // §4.8.5 lets a receiver "for historical reasons" accept only the prefix "stream"
    // (its §4.9.3.2 example rejects <foobar:stream/>). We do: the gateway matches the
    // stream's own elements by their prefixed names.
    if (tag.prefix !== 'stream') {
      throw new StreamError('bad-namespace-prefix', `stream prefix must be "stream", not "${tag.prefix}"`);
    }
    const content = tag.ns[''];
    if (content !== undefined && content !== NS_CLIENT) {
      throw new StreamError('invalid-namespace', `content namespace ${content} is not ${NS_CLIENT}`);
    }
    const attrs: Record<string, string> = {};
    for (const name in tag.attributes) attrs[name] = tag.attributes[name]!.value;
    // §4.7.5: a missing version means a pre-1.0 peer, which we do not serve.
    const { version } = attrs;
    if (version === undefined || !VERSION_1.test(version)) {
      throw new StreamError('unsupported-version', `version ${version ?? '(none)'} is not 1.x`);
    }
    this.boundary = this.xml.position;
    this.events.push({ type: 'streamStart', attrs });
  }

  private closeTag(depth: number): void {
    if (depth === 0) {
      this.boundary = this.xml.position;
      this.events.push({ type: 'streamEnd' });
      return;
    }
    const element = this.builder.closeTag();
    if (element === undefined) return;
    const end = this.xml.position;
    const size = this.bytesSinceBoundary(end);
    const limit = this.maxBytes();
    if (size > limit) {
      throw new StreamError('policy-violation', `<${element.name}/> of ${size} bytes exceeds ${limit}`);
    }
    this.boundary = end;
    this.events.push({ type: 'stanza', element });
  }

  private text(text: string, depth: number): void {
    if (depth > 1) {
      this.builder.text(text);
      return;
    }
    if (depth === 0) return; // outside the root: saxes itself rejects anything but whitespace
    // §4.6 / §11.7: whitespace between first-level elements (keepalives) is fine; any other
    // character data at stream level is something we cannot process.
    if (!WHITESPACE_ONLY.test(text)) {
      throw new StreamError('bad-format', 'character data at stream level');
    }
    // saxes reports this text on reading the `<` that follows it: the next element starts there.
    this.boundary = this.xml.position - 1;
  }
}
