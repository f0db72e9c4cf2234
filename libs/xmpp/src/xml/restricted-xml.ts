/**
 * The XML subset XMPP allows (RFC 6120 §11), shared by the TCP stream parser and the
 * WebSocket framing parser so both answer a violation with the same stream error.
 *
 * Why saxes and not `@xmpp/xml`'s parser: that one is built on ltx, whose parser silently
 * skips DTDs, processing instructions and comments, so it cannot tell us that a peer sent
 * them, and §11.1 says we MUST answer those with <restricted-xml/>. saxes reports each as an
 * event, resolves namespaces, checks well-formedness, and never expands an entity other
 * than the five predefined ones and character references: it does not read the internal
 * DTD subset, and we reject any DOCTYPE before a reference could follow anyway.
 */
import { SaxesParser, type SaxesTagNS, type XMLDecl } from 'saxes';
import { StreamError } from '../errors.ts';

export interface XmlEvents {
  /** `depth` is the number of elements already open (0 = the document root). */
  openTag(tag: SaxesTagNS, depth: number): void;
  /** `depth` is the number of elements still open after this one closed (0 = root closed). */
  closeTag(depth: number): void;
  /** Character data; `depth` is the number of open elements (0 = outside the root). */
  text(text: string, depth: number): void;
  cdata(text: string, depth: number): void;
}

// saxes reports well-formedness errors as messages only; these are the ones that mean a
// construct §11.1 forbids rather than broken XML. The unit tests pin them to saxes 6.
// A late `<?xml ...?>` is a processing instruction in the wrong place, like any other PI.
const RESTRICTED_MESSAGES = [
  'undefined entity.',
  'inappropriately located doctype declaration.',
  'an XML declaration must be at the start of the document.',
  'the XML declaration must appear at the start of the document.',
];
const UNBOUND_PREFIX = 'unbound namespace prefix';

function violation(message: string, depth: number): StreamError {
  if (RESTRICTED_MESSAGES.some((m) => message.endsWith(m))) {
    return new StreamError('restricted-xml', message);
  }
  // An unbound prefix on the stream header (or a frame's root) is the §4.9.3.2 case; deeper
  // down it breaks Namespaces in XML, which §4.9.3.13 files under not-well-formed.
  if (depth === 0 && message.includes(UNBOUND_PREFIX)) {
    return new StreamError('bad-namespace-prefix', message);
  }
  return new StreamError('not-well-formed', message);
}

type Options = { xmlns: true; position: true; forceXMLVersion: true; defaultXMLVersion: '1.0' };

// XMPP is XML 1.0 (§11.6); forcing it keeps a `version='1.1'` declaration from switching
// the character rules.
const OPTIONS: Options = { xmlns: true, position: true, forceXMLVersion: true, defaultXMLVersion: '1.0' };

/**
 * saxes with the §11.1 handlers. Every connection holds one, so its shape matters: V8 turns
 * an object that gains more than six properties after construction into a dictionary,
 * which made each parser 2.6 kB larger (saxes 6, Node 20) when all nine handlers were set
 * with `on()`. So the handlers saxes calls as methods (`handler.call(parser, ...)`) live on
 * the prototype, and only the three it calls bare (error, text, closetag) are set per parser.
 */
type SaxesCore = Pick<SaxesParser<Options>, 'on' | 'write' | 'close' | 'position'>;
// saxes looks its handlers up as these named properties (what `on()` sets), which its typings
// declare private: a subclass may only define them through a base type without the privates.
const Saxes = SaxesParser as unknown as new (options: Options) => SaxesCore;

class RestrictedSaxes extends Saxes {
  depth = 0;

  constructor(private readonly sink: XmlEvents) {
    super(OPTIONS);
    this.on('error', (err) => {
      throw violation(err.message, this.depth);
    });
    this.on('text', (text) => sink.text(text, this.depth));
    this.on('closetag', () => {
      this.depth--;
      sink.closeTag(this.depth);
    });
  }

  doctypeHandler(): void {
    throw new StreamError('restricted-xml', 'document type declarations are not allowed');
  }

  piHandler(): void {
    throw new StreamError('restricted-xml', 'processing instructions are not allowed');
  }

  commentHandler(): void {
    throw new StreamError('restricted-xml', 'comments are not allowed');
  }

  xmldeclHandler(decl: XMLDecl): void {
    // §11.6: UTF-8 only; a declaration naming another encoding is §4.9.3.22.
    if (decl.encoding !== undefined && decl.encoding.toLowerCase() !== 'utf-8') {
      throw new StreamError('unsupported-encoding', `encoding ${decl.encoding} is not UTF-8`);
    }
  }

  openTagHandler(tag: SaxesTagNS): void {
    this.sink.openTag(tag, this.depth);
    this.depth++;
  }

  cdataHandler(text: string): void {
    this.sink.cdata(text, this.depth);
  }
}

/** One XML document (a stream, or one WebSocket message); every method may throw StreamError. */
export class RestrictedXmlReader {
  private readonly sax: RestrictedSaxes;

  constructor(events: XmlEvents) {
    this.sax = new RestrictedSaxes(events);
  }

  /** Offset (UTF-16 code units from the start of the document) of the next unread character. */
  get position(): number {
    return this.sax.position;
  }

  write(text: string): void {
    this.sax.write(text);
  }

  /** Declares the document complete: fails on anything left open. */
  end(): void {
    this.sax.close();
  }
}
