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
 *
 * Restart triggers (see {@link XmppStreamParser.pauseAfter}): after an element whose answer
 * may switch the connection to another stream (`<starttls/>`, SASL `<auth/>`), input is
 * held, not parsed, until the `resume` handed out with that element is called. Acting on
 * bytes that followed `<starttls/>` in the same read as if they had come through TLS is the
 * STARTTLS command injection of CVE-2011-0411; bytes pipelined behind `<auth/>` (XEP-0305)
 * are the new stream's header, which the old stream's parser would refuse as a misplaced
 * XML declaration.
 */
import { EventEmitter } from 'node:events';
import type { Element } from '@xmpp/xml';
import { StreamError } from './errors.ts';
import { StreamReader } from './stream-reader.ts';

export interface XmppStreamParserEvents {
  streamStart: [attrs: Record<string, string>];
  /** `resume` is set for an element `pauseAfter` matched: call it once the element is handled. */
  stanza: [element: Element, resume?: () => void];
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

/** Input received after a restart trigger, waiting for the trigger's outcome. */
interface Held {
  chunks: Buffer[];
  bytes: number;
  discard: boolean;
}

export class XmppStreamParser extends EventEmitter<XmppStreamParserEvents> {
  /**
   * Elements after which input pauses; parsing is slower while set (see
   * {@link StreamReader.write}), so unset it once no such element can come.
   */
  pauseAfter: ((element: Element) => boolean) | undefined;
  private reader: StreamReader;
  private failed = false;
  private held: Held | undefined;

  constructor(private readonly options: XmppStreamParserOptions) {
    super();
    this.reader = new StreamReader(options.maxStanzaBytes);
  }

  write(chunk: Buffer): void {
    if (this.failed) return;
    if (this.held !== undefined) {
      this.hold(this.held, chunk);
      return;
    }
    const reader = this.reader;
    let error: StreamError | undefined;
    let stop: number | undefined;
    try {
      stop = reader.write(chunk, this.pauseAfter);
    } catch (err) {
      this.failed = true;
      if (!(err instanceof StreamError)) throw err;
      error = err;
    }
    let resume: (() => void) | undefined;
    if (stop !== undefined) {
      const held: Held = { chunks: [], bytes: 0, discard: false };
      this.held = held;
      resume = () => this.resume(held);
      this.hold(held, chunk.subarray(stop));
    }
    const events = reader.events.splice(0);
    for (const [i, event] of events.entries()) {
      if (event.type === 'streamStart') this.emit('streamStart', event.attrs);
      else if (event.type === 'stanza') this.emit('stanza', event.element, i === events.length - 1 ? resume : undefined);
      else this.emit('streamEnd');
      // A listener restarted the stream (§4.3.3): the rest of this chunk belonged to the old one.
      if (this.reader !== reader) return;
    }
    if (error !== undefined) this.emit('error', error);
  }

  /**
   * Starts over for a stream restart after STARTTLS or SASL success (§4.3.3): the next bytes
   * must be a new header. Called from a listener, it drops the events of the current chunk
   * not yet emitted: they were read as part of the old stream. Input held after a restart
   * trigger goes to the new stream when the trigger's `resume` is called (XEP-0305 §2.3).
   */
  reset(): void {
    this.reader = new StreamReader(this.options.maxStanzaBytes);
    this.failed = false;
  }

  /**
   * The held input will be dropped rather than parsed when input resumes: the element that
   * paused it failed, and what the client sent before seeing that assumed it would not.
   * Returns how many bytes are held so far.
   */
  discardHeld(): number {
    if (this.held === undefined) return 0;
    this.held.discard = true;
    return this.held.bytes;
  }

  private hold(held: Held, chunk: Buffer): void {
    if (chunk.length === 0) return;
    held.chunks.push(chunk);
    held.bytes += chunk.length;
    const limit = this.options.maxStanzaBytes();
    if (held.bytes > limit) {
      this.held = undefined;
      this.failed = true;
      this.emit('error', new StreamError('policy-violation', `more than ${limit} bytes sent before an answer to a restart trigger`));
    }
  }

  private resume(held: Held): void {
    if (this.held !== held) return;
    this.held = undefined;
    if (!held.discard && held.bytes > 0) this.write(Buffer.concat(held.chunks, held.bytes));
  }
}
