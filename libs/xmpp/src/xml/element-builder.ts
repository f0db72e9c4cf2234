/**
 * Builds `@xmpp/xml` Elements from saxes events, one top-level element at a time.
 *
 * Every element handed out is namespace-self-contained: a declaration it relied on from
 * outside (the stream header's default `jabber:client`, or a prefix such as `stream:`
 * declared there) is copied onto it, so handlers can read `el.attrs.xmlns`, and the element
 * can be routed to another stream, or sent as a WebSocket message, as it is.
 */
import { Element } from '@xmpp/xml';
import type { SaxesTagNS } from 'saxes';
import { StreamError } from '../errors.ts';
import { NS_CLIENT } from '../namespaces.ts';

/**
 * Deepest nesting accepted inside one top-level element, far more than real payloads
 * (PubSub items with Atom, XHTML-IM, data forms) use; it keeps a stanza of `<a><a><a>...`
 * from exhausting the stack of the recursive serialiser.
 */
const MAX_ELEMENT_DEPTH = 100;

export class ElementBuilder {
  private readonly stack: Element[] = [];
  /** Per open element: does it, or an ancestor within the top-level element, set `xmlns`? */
  private readonly defaultDeclared: boolean[] = [];

  openTag(tag: SaxesTagNS): void {
    const depth = this.stack.length;
    if (depth >= MAX_ELEMENT_DEPTH) {
      throw new StreamError('policy-violation', `elements nested deeper than ${MAX_ELEMENT_DEPTH}`);
    }
    const attrs: Record<string, string> = {};
    const { attributes } = tag;
    for (const name in attributes) attrs[name] = attributes[name]!.value;

    const parent = this.stack[depth - 1];
    let defaultDeclared = 'xmlns' in attrs || (parent !== undefined && this.defaultDeclared[depth - 1] === true);
    if (tag.prefix === '' && !defaultDeclared) {
      // The default namespace came from outside (the stream header's content namespace):
      // write it out. A WebSocket message has no outside; its first element is jabber:client.
      if (tag.uri !== '' || parent === undefined) {
        attrs.xmlns = tag.uri === '' ? NS_CLIENT : tag.uri;
        defaultDeclared = true;
      }
    }

    const element = new Element(tag.name);
    element.attrs = attrs;
    if (parent !== undefined) {
      parent.children.push(element);
      element.parent = parent;
    }
    this.stack.push(element);
    this.defaultDeclared.push(defaultDeclared);

    if (tag.prefix !== '') this.declarePrefix(tag.prefix, tag.uri);
    for (const name in attributes) {
      const { prefix, uri } = attributes[name]!;
      if (prefix !== '' && prefix !== 'xml' && prefix !== 'xmlns') this.declarePrefix(prefix, uri);
    }
  }

  text(text: string): void {
    this.stack[this.stack.length - 1]?.children.push(text);
  }

  /** Returns the top-level element once its end tag has been read. */
  closeTag(): Element | undefined {
    const element = this.stack.pop();
    this.defaultDeclared.pop();
    return this.stack.length === 0 ? element : undefined;
  }

  /** Copies a prefix binding that came from outside the top-level element onto it. */
  private declarePrefix(prefix: string, uri: string): void {
    const key = `xmlns:${prefix}`;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      if (key in this.stack[i]!.attrs) return;
    }
    this.stack[0]!.attrs[key] = uri;
  }
}
