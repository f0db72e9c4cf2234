/**
 * The request/reply catalog: every endpoint the services answer on the bus, with the
 * shape of its request, of its reply's `result` and the error codes it may answer. The
 * services validate requests against it before a handler runs; callers validate replies
 * against it on receipt (@gatehouse/bus `call`), so neither side casts.
 *
 * Request schemas bound what a service accepts (RFC 7622 caps a JID part at 1023 bytes;
 * the bounds only stop absurd payloads early). Reply schemas check the shape only: a
 * service may hand out data stored before today's bounds existed, and the caller must
 * still read it. Neither transforms: what is sent is what the other side receives.
 */
import { z } from 'zod';
import { clientIdSchema } from './fields.ts';
import { revocationReasonSchema, userAgentSchema } from './grant.ts';
import { subscriptionSchema } from './roster.ts';

/** One endpoint: `<service>.<endpoint>` below the namespace is its subject. */
export interface EndpointSpec<Request extends z.ZodType = z.ZodType, Reply extends z.ZodType = z.ZodType> {
  summary: string;
  request: Request;
  /** The `result` of `{ ok: true, result }`. */
  reply: Reply;
  /** Codes of `{ ok: false, error: { code } }` besides those every endpoint may answer (commonErrors). */
  errors: readonly string[];
  /** Answers a page at a time: the request takes `cursor`, the reply has `next` while more are left (@gatehouse/bus paging). */
  paged?: true;
}

/** Codes any endpoint may answer. */
export const commonErrors = {
  'bad-request': 'the request does not match the catalog (or the service refuses a field), with what is wrong',
  internal: 'the service failed; it logged why',
  'reply-too-large': 'the reply exceeds the NATS max_payload',
} as const;

/** Codes of the ServiceError a caller (@gatehouse/bus `call`) throws without any reply from the service. */
export const callerErrors = {
  unavailable: 'nothing answered before the timeout',
  'invalid-reply': 'the reply is not JSON, not { ok, result | error }, or its result does not match the catalog',
} as const;

const endpoint = <Spec extends EndpointSpec>(spec: Spec): Spec => spec;

const jid = z.string().min(1).max(3071).describe('account JID; the service normalises it');
const password = z.string().min(1, 'the password is empty').max(1023);
const scramMechanism = z.enum(['SCRAM-SHA-1', 'SCRAM-SHA-256']);
const htMechanism = z.enum(['HT-SHA-256-NONE', 'HT-SHA-256-ENDP']);
const authenticatedBy = z.enum(['password', 'fast']);
const pageCursor = z.string().max(64).optional();
const empty = z.object({});
const jidReply = z.object({ jid: z.string() });
const accountErrors = ['jid-malformed', 'host-unknown'] as const;

/** A page of a paged reply (@gatehouse/bus Page). */
const page = <Item extends z.ZodType>(item: Item) => z.object({ items: z.array(item), next: z.string().optional() });

const userAgentReply = z.object({ software: z.string().optional(), device: z.string().optional(), uri: z.string().optional() });

const grantListing = z.object({
  clientId: z.string(),
  grantId: z.string(),
  createdAt: z.string(),
  authenticatedBy,
  userAgent: userAgentReply.optional(),
  lastUsedAt: z.string(),
  lastUsedBy: authenticatedBy,
  fastTokens: z.array(z.object({ tokenId: z.string(), mechanism: z.string(), issuedAt: z.string(), expiresAt: z.string() })),
});

const clientListing = z
  .object({
    id: z.string().describe('`client/<client id>` (type session) or `grant/<grant id>` (type access): what a revoke names'),
    clientId: z.string(),
    type: z.enum(['session', 'access']),
    connected: z.boolean(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    auth: z.array(z.enum(['password', 'grant', 'fast'])),
    userAgent: userAgentReply,
    legacy: z.boolean().describe('known by its full JID only (no SASL2 <user-agent id>)'),
    revoked: z.boolean().describe('revoked since its last login'),
  })
  .describe('one client with access to the account (docs/client-management.md)');

const clientLogins = z
  .object({
    clientId: z.string(),
    lastSeen: z.string(),
    passwordUsedAt: z.string().optional(),
    fastUsedAt: z.string().optional(),
    sessions: z.array(
      z.object({
        sessionId: z.string(),
        fullJid: z.string().optional().describe('set once the session is bound'),
        establishedAt: z.string().optional().describe('absent for a session known from history written before catalog v2'),
      }),
    ),
  })
  .describe("what one known client's logins changed: its live sessions, last sight, last password and FAST use");

const rebuildProgress = z.object({
  applied: z.number().describe('messages applied since the rebuild began'),
  total: z.number().describe('messages in the stream when it began'),
});

const subscriptionPresence = z.enum(['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed']);
const presenceEffect = z.enum(['available', 'unavailable']).optional().describe("what the owner's contact must now see");

/** Roster items as stored: shapes, not today's bounds (replies, and roster-sync's snapshots). */
export const storedRosterItemSchema = z.object({
  jid: z.string(),
  name: z.string().optional(),
  groups: z.array(z.string()),
  subscription: subscriptionSchema,
  ask: z.boolean(),
  approved: z.boolean(),
});

/** Any JID, normalised by roster-sync (RFC 7622); the bound only stops absurd payloads. */
const anyJid = z.string().min(1).max(3071);

export const requests = {
  'token.account.create': endpoint({
    summary: 'creates an account with SCRAM-SHA-1 and -256 credentials derived from the password',
    request: z.object({ jid, password }),
    reply: jidReply,
    errors: [...accountErrors, 'account-exists'],
  }),
  'token.account.password': endpoint({
    summary: "changes an account's password; every grant and FAST token older than the change ends",
    request: z.object({ jid, password }),
    reply: jidReply,
    errors: [...accountErrors, 'account-not-found'],
  }),
  'token.account.delete': endpoint({
    summary: 'deletes an account; its grants and FAST tokens end',
    request: z.object({ jid }),
    reply: jidReply,
    errors: [...accountErrors, 'account-not-found'],
  }),
  'token.account.exists': endpoint({
    summary: 'whether the account exists and is not deleted',
    request: z.object({ jid }),
    reply: z.object({ exists: z.boolean() }),
    errors: accountErrors,
  }),
  'token.auth.credentials': endpoint({
    summary:
      "the account's SCRAM credential; for an unknown account a stable decoy (RFC 5802 §9) with exists false. With a client id, when that client's live grant was last used, so a login need not record it again",
    request: z.object({ jid, mechanism: scramMechanism, clientId: clientIdSchema.optional() }),
    reply: z.object({
      exists: z.boolean(),
      credential: z.object({ salt: z.string(), iterations: z.number(), storedKey: z.string(), serverKey: z.string() }),
      grantUsedAt: z.string().optional(),
    }),
    errors: accountErrors,
  }),
  'token.grant.record': endpoint({
    summary: 'records a login of the client: creates its grant (mod_tokenauth) or notes a use of it',
    request: z.object({ jid, clientId: clientIdSchema, authenticatedBy, userAgent: userAgentSchema.optional() }),
    reply: z.object({ grantId: z.string(), created: z.boolean() }),
    errors: [...accountErrors, 'account-not-found'],
  }),
  'token.grant.list': endpoint({
    summary: 'the live grants of the account, oldest first, with their valid FAST tokens (ids and times, never a token)',
    request: z.object({ jid }),
    reply: z.object({ grants: z.array(grantListing) }),
    errors: accountErrors,
  }),
  'token.grant.revoke': endpoint({
    summary: "revokes the client's grant and invalidates its FAST tokens; again for a revoked grant: {}",
    request: z.object({ jid, clientId: clientIdSchema, reason: revocationReasonSchema }),
    reply: empty,
    errors: [...accountErrors, 'grant-not-found'],
  }),
  'token.fast.verify': endpoint({
    summary: "checks a XEP-0484 HT initiator proof; rotate: the token is older than FAST_TOKEN_ROTATE_AFTER_S",
    request: z.object({
      jid,
      clientId: clientIdSchema,
      mechanism: htMechanism,
      initiatorProof: z.base64().max(88),
      cbData: z.base64().max(1024).optional(),
      count: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    }),
    reply: z.object({ responderProof: z.string(), rotate: z.boolean() }),
    errors: [...accountErrors, 'not-authorized', 'credentials-expired'],
  }),
  'token.fast.issue': endpoint({
    summary: 'issues a FAST token (expiry XEP-0082); creates the grant if there is none',
    request: z.object({ jid, clientId: clientIdSchema, mechanism: htMechanism, authenticatedBy }),
    reply: z.object({ token: z.string(), expiry: z.string() }),
    errors: [...accountErrors, 'account-not-found'],
  }),
  'token.fast.invalidate': endpoint({
    summary: "invalidates the token of the client's last successful FAST login",
    request: z.object({ jid, clientId: clientIdSchema }),
    reply: empty,
    errors: accountErrors,
  }),

  'clients.client.revoke': endpoint({
    summary: "revokes a client's access: grant and FAST tokens first, then its sessions are cut",
    request: z
      .object({
        jid,
        id: z.string().max(2048).describe('client/<client id>, grant/<grant id> or software/<name>[/<version>]; one that names no client is item-not-found'),
        reason: revocationReasonSchema.optional().describe('default revoked-by-user'),
      })
      .strict(),
    reply: empty,
    errors: [...accountErrors, 'item-not-found', 'password-reset-required', 'account-not-found'],
  }),

  'projections.accounts.list': endpoint({
    summary: 'the accounts, sorted; the cursor is the last JID served, so pages never expire',
    request: z.object({ domain: z.string().min(1).optional(), cursor: z.string().min(1).max(3071).optional() }).strict().nullish(),
    reply: page(z.string()),
    errors: [],
    paged: true,
  }),
  'projections.clients.list': endpoint({
    summary: 'the clients with access to the account, oldest lastSeen first, then firstSeen, then id',
    request: z.object({ jid, cursor: pageCursor }).strict(),
    reply: page(clientListing),
    errors: ['jid-malformed', 'account-not-found', 'page-expired'],
    paged: true,
  }),
  'projections.clients.logins': endpoint({
    summary: 'every known client of the account, listed or not, with its live sessions and last uses (what client-registry decides revocations and the client limit on), by client id',
    request: z.object({ jid, cursor: pageCursor }).strict(),
    reply: page(clientLogins),
    errors: ['jid-malformed', 'page-expired'],
    paged: true,
  }),
  'projections.activity.last': endpoint({
    summary: "when the account's last session ended and the status it ended with (XEP-0012), from the client listing's rows; {} when none is known",
    request: z.object({ jid }).strict(),
    reply: z.object({ lastLogout: z.string().optional(), status: z.string().optional() }),
    errors: ['jid-malformed'],
  }),
  'projections.rebuild': endpoint({
    summary: 'replays a projection from the start of its stream; { applied, total } goes to `progress` meanwhile',
    request: z
      .object({
        name: z.string().min(1),
        progress: z.string().regex(/^[^\s*>]+$/, 'a subject without wildcards').max(256).optional().describe('a subject (the caller\'s inbox) for progress messages'),
      })
      .strict(),
    reply: rebuildProgress,
    errors: ['unknown-projection', 'rebuild-in-progress', 'rebuild-timeout'],
  }),

  'roster-sync.roster.get': endpoint({
    summary: "the owner's roster (RFC 6121 §2.1.3) at `version`; in external mode the first page may fetch it from the web app",
    request: z.object({ jid: anyJid, refresh: z.boolean().optional(), cursor: pageCursor }),
    reply: page(storedRosterItemSchema).extend({ version: z.number() }),
    errors: ['roster-fetch-failed', 'page-expired'],
    paged: true,
  }),
  'roster-sync.roster.set': endpoint({
    summary: 'adds or updates a roster item (RFC 6121 §2.3)',
    request: z.object({
      jid: anyJid,
      // Loose on purpose: the roster limits decide, with RFC 6121 §2.3.3's not-acceptable.
      item: z.object({ jid: anyJid, name: z.string().max(65_536).optional(), groups: z.array(z.string().max(65_536)).max(10_000) }),
    }),
    reply: empty,
    errors: ['not-allowed', 'not-acceptable', 'resource-constraint'],
  }),
  'roster-sync.roster.remove': endpoint({
    summary: 'removes a roster item (RFC 6121 §2.5): which farewells the gateway sends, and the presence effect',
    request: z.object({ jid: anyJid, contact: anyJid }),
    reply: z.object({ unsubscribe: z.boolean(), unsubscribed: z.boolean(), presence: presenceEffect }),
    errors: ['not-allowed', 'item-not-found'],
  }),
  'roster-sync.external.refresh': endpoint({
    summary: "fetches the owner's roster from the web app (mod_http_roster_admin) and stores the differences",
    request: z.object({ jid: anyJid }),
    reply: z.object({ set: z.array(storedRosterItemSchema), removed: z.array(z.string()) }),
    errors: ['not-allowed', 'roster-fetch-failed'],
  }),
  'roster-sync.subscription.outbound': endpoint({
    summary: 'the owner sends a subscription presence (RFC 6121 A.2): whether to route it',
    request: z.object({ jid: anyJid, contact: anyJid, presence: subscriptionPresence }),
    reply: z.object({ route: z.boolean(), presence: presenceEffect }),
    errors: ['not-allowed', 'not-acceptable', 'resource-constraint'],
  }),
  'roster-sync.subscription.inbound': endpoint({
    summary: 'the owner receives a subscription presence (RFC 6121 A.3): whether to deliver it, or answer it',
    request: z.object({ jid: anyJid, contact: anyJid, presence: subscriptionPresence, request: z.string().max(16_384).optional() }),
    reply: z.object({ deliver: z.boolean(), autoReply: z.literal('subscribed').optional(), presence: presenceEffect }),
    errors: ['not-allowed', 'not-acceptable', 'resource-constraint'],
  }),
  'roster-sync.presence.peers': endpoint({
    summary: "whom the owner's presence concerns (RFC 6121 §4.2, §4.3, §3.1.3), XEP-0191 blocking applied; paged without items",
    request: z.object({ jid: anyJid, cursor: pageCursor }),
    reply: z.object({ broadcast: z.array(z.string()), probe: z.array(z.string()), pending: z.array(z.string()), next: z.string().optional() }),
    errors: ['page-expired'],
    paged: true,
  }),
  'roster-sync.activity.last': endpoint({
    summary: "when the account's last session ended and its last status (XEP-0012), for the owner or a subscribed contact",
    request: z.object({ jid: anyJid, requester: anyJid }),
    reply: z.object({ lastLogout: z.string().optional(), status: z.string().optional() }),
    errors: ['forbidden'],
  }),
  'roster-sync.block.list': endpoint({
    summary: 'the block list (XEP-0191)',
    request: z.object({ jid: anyJid, cursor: pageCursor }),
    reply: page(z.string()),
    errors: ['page-expired'],
    paged: true,
  }),
  'roster-sync.block.add': endpoint({
    summary: 'blocks JIDs (XEP-0191): those newly blocked',
    request: z.object({ jid: anyJid, items: z.array(anyJid).max(1_000) }),
    reply: z.object({ added: z.array(z.string()) }),
    errors: ['not-acceptable', 'resource-constraint'],
  }),
  'roster-sync.block.remove': endpoint({
    summary: 'unblocks JIDs (XEP-0191), all of them for no items: those unblocked',
    request: z.object({ jid: anyJid, items: z.array(anyJid).max(1_000) }),
    reply: z.object({ removed: z.array(z.string()) }),
    errors: [],
  }),
  'roster-sync.offline.store': endpoint({
    summary: 'stores a message for an account with no available session (XEP-0160)',
    request: z.object({ jid: anyJid, stanza: z.string().min(1).max(1024 * 1024) }),
    reply: empty,
    errors: ['resource-constraint'],
  }),
  'roster-sync.offline.fetch': endpoint({
    summary: "the account's offline messages, oldest first; `seq` is what offline.ack takes",
    request: z.object({ jid: anyJid, cursor: z.string().regex(/^\d{1,15}$/).optional() }),
    reply: page(z.object({ seq: z.number(), stanza: z.string() })),
    errors: [],
    paged: true,
  }),
  'roster-sync.offline.ack': endpoint({
    summary: 'removes the offline messages up to and including `seq`, once delivered',
    request: z.object({ jid: anyJid, seq: z.number().int().positive() }),
    reply: empty,
    errors: [],
  }),
} as const;

export type RequestName = keyof typeof requests;
/** What a caller sends. */
export type RequestOf<Name extends RequestName> = z.input<(typeof requests)[Name]['request']>;
/** What a handler receives, once the service has validated the request. */
export type ParsedRequestOf<Name extends RequestName> = z.output<(typeof requests)[Name]['request']>;
/** What a caller receives, once validated. */
export type ReplyOf<Name extends RequestName> = z.output<(typeof requests)[Name]['reply']>;

type ServiceOf<Name> = Name extends `${infer Service}.${string}` ? Service : never;
type EndpointIn<Name, Service extends string> = Name extends `${Service}.${infer Endpoint}` ? Endpoint : never;
export type ServiceName = ServiceOf<RequestName>;
/** The endpoints of one service, as it names them below its group (`account.create`). */
export type EndpointOf<Service extends ServiceName> = EndpointIn<RequestName, Service>;
/** Endpoints answering a page at a time. */
export type PagedRequestName = { [Name in RequestName]: (typeof requests)[Name] extends { paged: true } ? Name : never }[RequestName];
/** Paged endpoints whose pages are `{ items, next? }`, which requestAll concatenates. */
export type ListRequestName = { [Name in PagedRequestName]: ReplyOf<Name> extends { items: unknown[] } ? Name : never }[PagedRequestName];

/** Progress messages `projections.rebuild` publishes to its request's `progress` subject. */
export const rebuildProgressSchema = rebuildProgress;
export type RebuildProgress = z.output<typeof rebuildProgress>;
export type ClientListing = z.output<typeof clientListing>;
export type ClientLogins = z.output<typeof clientLogins>;
export type GrantListing = z.output<typeof grantListing>;

/** `<namespace>.<service>.<endpoint>`: the service groups of namesFor(ns).services, and the endpoint. */
export function requestSubject(ns: string, name: RequestName): string {
  return `${ns}.${name}`;
}

export function isRequestName(value: string): value is RequestName {
  return Object.hasOwn(requests, value);
}
