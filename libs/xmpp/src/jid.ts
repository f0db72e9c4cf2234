/**
 * JIDs (RFC 7622). A pragmatic subset of the PRECIS profiles, chosen so that two spellings a
 * user would call "the same address" compare equal, without a PRECIS table implementation:
 *
 * - every part is NFC-normalised (RFC 7622 §3.3.2, §3.2.2 and §3.4.2 all end in NFC);
 * - localpart and domainpart are lower-cased with `toLowerCase()` (UsernameCaseMapped and
 *   IDNA2008 case-fold; Unicode default case folding differs only for a few characters);
 * - localpart rejects the characters RFC 7622 §3.3.1 forbids (`" & ' / : < > @`), and
 *   whitespace, control and format characters (IdentifierClass disallows them);
 * - domainpart drops one trailing dot (§3.2), rejects empty labels, whitespace, control
 *   characters and `@ / " & ' < >`; `:` only inside an IPv6 literal `[...]`; no IDNA mapping;
 * - resourcepart (OpaqueString) rejects only control characters; spaces are kept;
 * - each part is at most 1023 bytes of UTF-8 (§3.2, §3.3, §3.4); empty parts that are
 *   present (`@d`, `d/`) are invalid (§3.3, §3.4).
 */
export interface Jid {
  /** '' when absent. */
  local: string;
  domain: string;
  /** '' when absent. */
  resource: string;
}

export class JidMalformedError extends Error {
  override readonly name = 'JidMalformedError';
  readonly code = 'jid-malformed';
  constructor(readonly input: string, reason: string) {
    super(`malformed JID ${JSON.stringify(input)}: ${reason}`);
  }
}

/** An account JID on a domain this deployment does not serve (RFC 6120 §4.9.3.6 `host-unknown`). */
export class HostUnknownError extends Error {
  override readonly name = 'HostUnknownError';
  readonly code = 'host-unknown';
  constructor(
    readonly domain: string,
    readonly served: string,
  ) {
    super(`this server serves ${served}, not ${domain}`);
  }
}

const MAX_PART_BYTES = 1023;
const LOCAL_FORBIDDEN = /["&'/:<>@\s\p{Cc}\p{Cf}\p{Z}]/u;
const DOMAIN_FORBIDDEN = /["&'/<>@\s\p{Cc}\p{Cf}\p{Z}]/u;
const RESOURCE_FORBIDDEN = /\p{Cc}/u;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/;

function tooLong(part: string): boolean {
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short strings need no byte count.
  return part.length * 3 > MAX_PART_BYTES && Buffer.byteLength(part, 'utf8') > MAX_PART_BYTES;
}

function localProblem(local: string): string | undefined {
  if (local === '') return 'empty localpart';
  if (tooLong(local)) return 'localpart longer than 1023 bytes';
  if (LOCAL_FORBIDDEN.test(local)) return 'forbidden character in localpart';
  return undefined;
}

function domainProblem(domain: string): string | undefined {
  if (domain === '') return 'empty domainpart';
  if (tooLong(domain)) return 'domainpart longer than 1023 bytes';
  if (domain.startsWith('[')) return IPV6_LITERAL.test(domain) ? undefined : 'malformed IPv6 literal';
  if (DOMAIN_FORBIDDEN.test(domain) || domain.includes(':')) return 'forbidden character in domainpart';
  if (domain.split('.').includes('')) return 'empty label in domainpart';
  return undefined;
}

function resourceProblem(resource: string): string | undefined {
  if (resource === '') return 'empty resourcepart';
  if (tooLong(resource)) return 'resourcepart longer than 1023 bytes';
  if (RESOURCE_FORBIDDEN.test(resource)) return 'control character in resourcepart';
  return undefined;
}

function normaliseLocal(local: string): string {
  return local.normalize('NFC').toLowerCase();
}

/** Parses and normalises a JID; throws {@link JidMalformedError} (stanza condition `jid-malformed`). */
export function parseJid(input: string): Jid {
  const slash = input.indexOf('/');
  const bare = slash === -1 ? input : input.slice(0, slash);
  const at = bare.indexOf('@');
  const local = at === -1 ? '' : normaliseLocal(bare.slice(0, at));
  let domain = (at === -1 ? bare : bare.slice(at + 1)).normalize('NFC').toLowerCase();
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  const resource = slash === -1 ? '' : input.slice(slash + 1).normalize('NFC');
  const problem =
    (at === -1 ? undefined : localProblem(local)) ??
    domainProblem(domain) ??
    (slash === -1 ? undefined : resourceProblem(resource));
  if (problem !== undefined) throw new JidMalformedError(input, problem);
  return { local, domain, resource };
}

export function tryParseJid(input: string): Jid | null {
  try {
    return parseJid(input);
  } catch (err) {
    if (err instanceof JidMalformedError) return null;
    throw err;
  }
}

export function bareJid(jid: Jid): string {
  return jid.local === '' ? jid.domain : `${jid.local}@${jid.domain}`;
}

export function formatJid(jid: Jid): string {
  const bare = bareJid(jid);
  return jid.resource === '' ? bare : `${bare}/${jid.resource}`;
}

/** Whether `resource` is acceptable as a resourcepart as given (checked after NFC). */
export function isValidResource(resource: string): boolean {
  return resourceProblem(resource.normalize('NFC')) === undefined;
}

/**
 * Whether `localpart` can name an account. Valid input may still be changed by
 * normalisation (`Alice` is valid and becomes `alice`): store `parseJid(...).local`.
 */
export function isValidUsername(localpart: string): boolean {
  return localProblem(normaliseLocal(localpart)) === undefined;
}

/** Normalises a requested account JID: bare, with a localpart, on the served domain. */
export function accountJid(input: string, servedDomain: string): string {
  const jid = parseJid(input);
  if (jid.local === '' || jid.resource !== '') throw new JidMalformedError(input, 'an account JID is user@domain, without a /resource');
  if (jid.domain !== servedDomain) throw new HostUnknownError(jid.domain, servedDomain);
  return bareJid(jid);
}
