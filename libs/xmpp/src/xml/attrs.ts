/** Drops absent attributes so replies carry no `key: undefined` entries (e.g. a missing `from`). */
export function definedAttrs(attrs: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in attrs) {
    const value = attrs[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
