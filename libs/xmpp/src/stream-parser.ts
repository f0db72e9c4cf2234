/**
 * Incoming XML stream of a TCP connection (RFC 6120 §4, §11), bytes in, events out:
 *
 * - `streamStart(attrs)` once a valid header has arrived (§4.7); the raw attributes, keyed
 *   by qualified name (`to`, `version`, `xml:lang`, ...);
 * - `stanza(el)` per first-level element, namespace-self-contained (`el.attrs.xmlns` is set);
 * - `streamEnd()` on `</stream:stream>` (§4.4);
 * - `error(err)` on the first violation, then nothing until {@link XmppStreamParser.reset}.
 *   An error before `streamStart` was caused by the header: §4.9.1.2 wants our own header
 *   sent before the `<stream:error>`.
 *
 * Events are emitted after the chunk that completed them has been parsed, in order; events
 * completed before an error in the same chunk are emitted before the error.
 */
import { EventEmitter } from 'node:events';
import type { Element } from '@xmpp/xml';
import { StreamError } from './errors.ts';
import { StreamReader } from './stream-reader.ts';

export interface XmppStreamParserEvents {
  streamStart: [attrs: Record<string, string>];
  stanza: [element: Element];
  streamEnd: [];
  error: [error: StreamError];
}

export interface XmppStreamParserOptions {
  /**
   * Largest first-level element accepted, in UTF-8 bytes from its `<` to its `>`; a peer
   * exceeding it gets `policy-violation` (§4.9.3.14). Read at every chunk and element, so
   * the caller can raise it after authentication (e.g. 8 KiB before, 256 KiB after).
   */
  maxStanzaBytes: () => number;
}

export class XmppStreamParser extends EventEmitter<XmppStreamParserEvents> {
  private reader: StreamReader;
  private failed = false;

  constructor(private readonly options: XmppStreamParserOptions) {
    super();
    this.reader = new StreamReader(options.maxStanzaBytes);
  }

  write(chunk: Buffer): void {
    if (this.failed) return;
    const reader = this.reader;
    let error: StreamError | undefined;
    try {
      reader.write(chunk);
    } catch (err) {
      this.failed = true;
      if (!(err instanceof StreamError)) throw err;
      error = err;
    }
    const events = reader.events.splice(0);
    for (const event of events) {
      if (event.type === 'streamStart') this.emit('streamStart', event.attrs);
      else if (event.type === 'stanza') this.emit('stanza', event.element);
      else this.emit('streamEnd');
      // A listener restarted the stream (§4.3.3): the rest of this chunk belonged to the old one.
      if (this.reader !== reader) return;
    }
    if (error !== undefined) this.emit('error', error);
  }

  /**
   * Starts over for a stream restart after STARTTLS or SASL success (§4.3.3): the next bytes
   * must be a new header. Called from a listener, it drops the events of the current chunk
   * not yet emitted: they were read as part of the old stream.
   */
  reset(): void {
    this.reader = new StreamReader(this.options.maxStanzaBytes);
    this.failed = false;
  }
}
