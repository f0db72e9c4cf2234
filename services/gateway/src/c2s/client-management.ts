/**
 * Listing and revoking the clients with access to one's own account, in two dialects:
 * Prosody's `xmpp:prosody.im/protocol/manage-clients` (mod_client_management; docs/client-management.md,
 * "Wire format") and its standard form,
 * XEP-0494 Client Access Management 0.1.0 (`urn:xmpp:cam:0`). Both share the ids
 * (`client/…`, `grant/…`), which XEP-0494 §3.1 calls "an opaque reference".
 *
 * `<auth>` names a grant `<grant/>` in both: mod_client_management's README and XEP-0494
 * (text and schema) say so; the module's code emits `<bearer-token/>` instead
 * (docs/client-management.md, "Wire format"), an undocumented slip a client written to
 * either document would not recognise.
 *
 * Only the account itself may use this (XEP-0494 §5 "protected from unauthorized
 * access by third parties"): the caller hands over IQs with no 'to' or its own bare JID,
 * and answers those to another account with {@link refuseForeignClientManagement}.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ClientListing } from '@gatehouse/events';
import { iqResult, stanzaError } from '@gatehouse/xmpp';

export const NS_MANAGE_CLIENTS = 'xmpp:prosody.im/protocol/manage-clients';
export const NS_CAM = 'urn:xmpp:cam:0';

/** One client with access, what the client listing reports of it here (projections `clients.list`). */
export type ClientEntry = Pick<ClientListing, 'id' | 'type' | 'connected' | 'firstSeen' | 'lastSeen' | 'auth' | 'userAgent'>;

export interface ClientManagementContext {
  /** The authenticated account's bare JID: the only account these requests act on. */
  accountJid: string;
  /** The asking session's own client id, when it gave one: that client is connected now, whatever the listing has caught up with. */
  ownClientId?: string;
  list(jid: string): Promise<readonly ClientEntry[]>;
  /** Rejects with an Error whose `code` is `item-not-found`, `password-reset-required`, `bad-request`, or anything else (a fault). */
  revoke(jid: string, id: string): Promise<void>;
}

/** Longer than any id this server hands out (`client/` and a 1023-character client id). */
const MAX_ID_LENGTH = 1100;
/** A `<list/>` is empty; a `<revoke/>` has one attribute. Anything this large is not one. */
const MAX_PAYLOAD_CHARS = 2048;

const NAMESPACES = new Set([NS_MANAGE_CLIENTS, NS_CAM]);

/** The list or revoke element of either dialect, with its namespace (the reply's). */
function payloadOf(iq: Element): { payload: Element; ns: string } | undefined {
  const payload = iq.children.find((child): child is Element => typeof child !== 'string');
  const ns = payload?.getNS();
  if (!payload || ns === undefined || !NAMESPACES.has(ns) || (payload.name !== 'list' && payload.name !== 'revoke')) return undefined;
  return { payload, ns };
}

/** Whether `iq` is a list or revoke request of either dialect. */
export function isClientManagementIq(iq: Element): boolean {
  return (iq.attrs.type === 'get' || iq.attrs.type === 'set') && payloadOf(iq) !== undefined;
}

/** The answer to a list or revoke addressed to another account's bare JID: `forbidden`, as Prosody's mod_client_management answers (XEP-0494 §5). */
export function refuseForeignClientManagement(iq: Element): Element | undefined {
  return isClientManagementIq(iq) ? stanzaError(iq, 'forbidden', { text: 'only the account itself may manage its clients' }) : undefined;
}

/** The reply to a list or revoke request; undefined for any other IQ (and for results and errors). */
export async function answerClientManagement(iq: Element, ctx: ClientManagementContext): Promise<Element | undefined> {
  const request = payloadOf(iq);
  if (!request || (iq.attrs.type !== 'get' && iq.attrs.type !== 'set')) return undefined;
  const { payload, ns } = request;
  const malformed = shapeProblem(iq, payload);
  if (malformed) return stanzaError(iq, 'bad-request', { text: malformed });
  if (payload.name === 'list') {
    let clients: readonly ClientEntry[];
    try {
      clients = await ctx.list(ctx.accountJid);
    } catch {
      return stanzaError(iq, 'internal-server-error', { type: 'wait', text: 'Unable to list clients' });
    }
    const own = ctx.ownClientId === undefined ? undefined : `client/${ctx.ownClientId}`;
    const entries = clients.map((client) => (client.id === own && !client.connected ? { ...client, connected: true } : client));
    return iqResult(iq, xml('clients', { xmlns: ns }, ...entries.map((client) => clientElement(client, ns))));
  }
  try {
    await ctx.revoke(ctx.accountJid, payload.attrs.id as string);
  } catch (error) {
    return revokeError(iq, ns, error);
  }
  return iqResult(iq);
}

/** RFC 6120 §8.2.3 and the XEP-0494 schema: what makes a request unanswerable. */
function shapeProblem(iq: Element, payload: Element): string | undefined {
  if (iq.children.filter((child) => typeof child !== 'string').length !== 1) return 'an IQ get/set carries exactly one child';
  const expected = payload.name === 'list' ? 'get' : 'set';
  if (iq.attrs.type !== expected) return `<${payload.name}/> is sent in an IQ of type '${expected}'`;
  if (payload.children.some((child) => typeof child !== 'string' || child.trim() !== '')) return `<${payload.name}/> has no content`;
  if (payload.toString().length > MAX_PAYLOAD_CHARS) return 'request too large';
  if (payload.name === 'revoke') {
    const id = payload.attrs.id;
    if (typeof id !== 'string') return "<revoke/> needs an 'id' attribute";
    if (id.length > MAX_ID_LENGTH) return 'id too long';
  }
  return undefined;
}

/** XEP-0082 DateTime, whole seconds, as Prosody prints it. */
const dateTime = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

function clientElement(client: ClientEntry, ns: string): Element {
  const { software, device, uri } = client.userAgent;
  const agent = xml(
    'user-agent',
    {},
    // XEP-0494's schema requires <software>; Prosody's dialect leaves unknown children out.
    ...(software !== undefined ? [xml('software', {}, software)] : ns === NS_CAM ? [xml('software')] : []),
    ...(uri !== undefined ? [xml('uri', {}, uri)] : []),
    ...(device !== undefined ? [xml('device', {}, device)] : []),
  );
  return xml(
    'client',
    { id: client.id, connected: String(client.connected), type: client.type },
    xml('first-seen', {}, dateTime(client.firstSeen)),
    xml('last-seen', {}, dateTime(client.lastSeen)),
    // In the order mod_client_management emits them: password, grant, fast.
    xml('auth', {}, ...(['password', 'grant', 'fast'] as const).filter((method) => client.auth.includes(method)).map((method) => xml(method))),
    // Every session here has the account's full rights: no scopes or roles restrict it yet.
    ...(ns === NS_CAM ? [xml('permission', { status: 'unrestricted' })] : []),
    agent,
  );
}

/** mod_client_management's revoke errors (docs/client-management.md, "Wire format"), in the namespace the request came in. */
function revokeError(iq: Element, ns: string, error: unknown): Element {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  switch (code) {
    case 'item-not-found':
      return stanzaError(iq, 'item-not-found', { type: 'cancel', text: 'Client not found' });
    case 'password-reset-required': {
      const reply = stanzaError(iq, 'service-unavailable', { type: 'cancel', text: 'Password reset required' });
      reply.getChild('error')!.c('password-reset-required', { xmlns: ns });
      return reply;
    }
    case 'bad-request':
      return stanzaError(iq, 'bad-request', { text: error instanceof Error ? error.message : 'bad request' });
    default:
      // The registry or the token service did not answer, or failed: worth trying again.
      return stanzaError(iq, 'internal-server-error', { type: 'wait', text: 'Unable to revoke client access' });
  }
}
