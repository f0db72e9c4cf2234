import { Element } from '@xmpp/xml';

/**
 * A copy of a stanza with some attributes changed (undefined removes one). The children
 * are shared, not copied: callers change attributes or append, never edit a child.
 */
export function copyWith(element: Element, attrs: Record<string, string | undefined>): Element {
  const merged: Record<string, string> = { ...element.attrs };
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  const copy = new Element(element.name, merged);
  copy.children = [...element.children];
  return copy;
}
