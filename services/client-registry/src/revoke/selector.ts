/**
 * What a revoke names (docs/client-management.md): `<type>/<rest>`, `<type>` letters and digits
 * up to the first `/`. `client/<id>` is a client seen on a session (any `/` in the id is
 * kept), `grant/<grant id>` a grant, `software/<name>[/<version>]` the first listed client
 * running that software.
 */
export type Selector = { kind: 'client'; clientId: string } | { kind: 'grant'; grantId: string } | { kind: 'software'; software: string };

/** undefined: not an id this server hands out, which the protocol answers with item-not-found. */
export function parseSelector(id: string): Selector | undefined {
  const match = /^([A-Za-z0-9]+)\/([\s\S]+)$/.exec(id);
  if (!match) return undefined;
  const [, kind, rest] = match as unknown as [string, string, string];
  switch (kind) {
    case 'client':
      return { kind, clientId: rest };
    case 'grant':
      return { kind, grantId: rest };
    case 'software':
      return { kind, software: rest };
    default:
      return undefined;
  }
}

/** `software/<rest>` matches the name alone, or `name/version` when a version is known (docs/client-management.md, "For users"). */
export function softwareMatches(rest: string, userAgent: { software?: string; version?: string } | undefined): boolean {
  if (!userAgent?.software) return false;
  return rest === userAgent.software || (userAgent.version !== undefined && rest === `${userAgent.software}/${userAgent.version}`);
}
