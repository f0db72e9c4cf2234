import { catalogEndpoints, fillPage, pageBudget, pageOf, type Page, type NatsConnection } from '@gatehouse/bus';
import { bareJidSchema, type ClientLogins } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { AccountRange } from './account-listing/queries.ts';
import type { ClientListing } from './client-listing/listing.ts';
import type { RebuildProgress } from './rebuild.ts';

export { BadRequestError } from '@gatehouse/bus';

/** A JID that cannot name an account (RFC 6120 §8.3.3.8 `jid-malformed`). */
export class JidMalformedError extends Error {
  readonly code = 'jid-malformed';
  constructor(jid: string) {
    super(`${JSON.stringify(jid)} is not an account JID (user@domain, without a /resource)`);
    this.name = 'JidMalformedError';
  }
}

/**
 * Account JIDs are stored as the token service normalised them (NFC, lower case); this
 * is the same folding for the common case, so a hand-typed `Alice@Localhost` finds alice.
 */
function accountJid(input: string): string {
  const jid = input.normalize('NFC').toLowerCase();
  if (!bareJidSchema.safeParse(jid).success) throw new JidMalformedError(input);
  return jid;
}

export interface EndpointDeps {
  nc: NatsConnection;
  listAccounts(domain?: string, range?: AccountRange): Promise<string[]>;
  listClients(jid: string): Promise<ClientListing[]>;
  clientLogins(jid: string): Promise<ClientLogins[]>;
  lastActivity(jid: string): Promise<{ lastLogout?: string; status?: string }>;
  rebuild(name: string, onProgress: (progress: RebuildProgress) => void): Promise<RebuildProgress>;
  logger: Logger;
}

/** Rows read per `accounts.list` page: enough to fill a page of short JIDs, a bound on each query. */
const ACCOUNT_ROWS_PER_PAGE = 20_000;

/** Progress of a rebuild reaches the log every this many events. */
const LOG_EVERY = 1_000;
/** Progress messages per rebuild, at most (plus the first and the last). */
const PROGRESS_STEPS = 100;

/** The `projections` service API (docs/architecture.md): requests and replies are JSON. */
export function projectionEndpoints({ nc, listAccounts, listClients, clientLogins, lastActivity, rebuild, logger }: EndpointDeps) {
  return catalogEndpoints('projections', {
    'accounts.list': async (request) => {
      const { domain, cursor } = request ?? {};
      // Paged (@gatehouse/bus) with a keyset cursor, the last JID served: the table is sorted by
      // JID, so a page never expires; an account made behind the cursor shows on the next listing.
      const rows = await listAccounts(domain, { limit: ACCOUNT_ROWS_PER_PAGE, ...(cursor === undefined ? {} : { after: cursor }) });
      const { items, end } = fillPage(rows, 0, pageBudget(nc));
      const more = end < rows.length || rows.length === ACCOUNT_ROWS_PER_PAGE;
      return (more && items.length > 0 ? { items, next: items.at(-1)! } : { items }) satisfies Page<string>;
    },
    'clients.list': async ({ jid, cursor }) => {
      const clients = await listClients(accountJid(jid));
      // Paged (@gatehouse/bus): an account's clients can outgrow one NATS message. The listing
      // has no version; its size stands in, so a client added or removed between pages restarts.
      return pageOf(clients, { version: clients.length, cursor, budget: pageBudget(nc) });
    },
    'clients.logins': async ({ jid, cursor }) => {
      const clients = await clientLogins(accountJid(jid));
      return pageOf(clients, { version: clients.length, cursor, budget: pageBudget(nc) });
    },
    'activity.last': async ({ jid }) => lastActivity(accountJid(jid)),
    rebuild: async ({ name, progress }) => {
      return rebuild(name, ({ applied, total }) => {
        if (applied % LOG_EVERY === 0 || applied === total) logger.info({ projection: name, applied, total }, 'rebuilding');
        // A reply cannot stream: progress goes to the caller's subject as it happens.
        const step = Math.max(1, Math.floor(total / PROGRESS_STEPS));
        if (progress !== undefined && (applied % step === 0 || applied === total)) nc.publish(progress, JSON.stringify({ applied, total }));
      });
    },
  });
}
