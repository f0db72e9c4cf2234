/**
 * `POST /roster_admin/refresh` (mod_http_roster_admin; docs/rosters.md, "External roster
 * mode"): the web app names users whose rosters changed, as a JSON array of usernames or
 * JIDs; each roster is fetched again and the differences reach the users' clients.
 * Answer: `{ status, message, updated, errors }`, 200 when every roster was updated,
 * 500 when any fetch failed, 400 for a body that is not such an array.
 *
 * Unlike Prosody, the endpoint wants `Authorization: Bearer <ROSTER_ADMIN_SECRET>`;
 * without a configured secret it answers 401 to everything, so it is never open by
 * accident. Unlike Prosody, an empty list is answered at once.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { Logger } from '@gatehouse/telemetry';
import { tryParseJid } from '@gatehouse/xmpp';

export interface RosterAdminOptions {
  /** ROSTER_ADMIN_SECRET; undefined: every request is refused. */
  secret: string | undefined;
  domain: string;
  /** Fetches one account's roster again and pushes what changed; rejects when the fetch fails. */
  refresh(bareJid: string): Promise<void>;
  logger: Logger;
  /** Rosters refreshed at once. */
  concurrency?: number;
}

interface Summary {
  status: 'ok' | 'error';
  message: string;
  updated: number;
  errors: number;
}

export function rosterAdminRouter(opts: RosterAdminOptions): express.Router {
  const router = express.Router();
  // The bearer is checked before the body is read: a stranger's body is never buffered.
  router.post('/refresh', (req, res, next) => (authorised(req.get('authorization'), opts.secret) ? next() : refuse(res)), express.text({ type: () => true, limit: '1mb' }), (req, res) => void refresh(req, res, opts));
  return router;
}

function refuse(res: Response): void {
  // The unread body stays unread: closing the connection is cheaper than draining it.
  res.set('connection', 'close');
  res.status(401).set('www-authenticate', 'Bearer').json(summary('error', 'a valid bearer token (ROSTER_ADMIN_SECRET) is required', 0, 0));
}

async function refresh(req: Request, res: Response, opts: RosterAdminOptions): Promise<void> {
  const accounts = parseBody(typeof req.body === 'string' ? req.body : '', opts.domain);
  if (typeof accounts === 'string') {
    res.status(400).json(summary('error', accounts, 0, 0));
    return;
  }
  const failures: string[] = [];
  let updated = 0;
  const queue = [...accounts];
  const worker = async () => {
    for (let jid = queue.shift(); jid !== undefined; jid = queue.shift()) {
      try {
        await opts.refresh(jid);
        updated++;
      } catch (error) {
        failures.push(`${jid}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, accounts.length) }, worker));
  if (failures.length === 0) {
    res.json(summary('ok', 'roster update complete', updated, 0));
    return;
  }
  opts.logger.warn({ failures }, 'roster refresh failed for some users; their last good rosters are kept');
  res.status(500).json(summary('error', `could not update ${failures.length} of ${accounts.length} rosters: ${failures.slice(0, 5).join('; ')}`, updated, failures.length));
}

function summary(status: Summary['status'], message: string, updated: number, errors: number): Summary {
  return { status, message, updated, errors };
}

function authorised(header: string | undefined, secret: string | undefined): boolean {
  if (secret === undefined || !header?.startsWith('Bearer ')) return false;
  // Compared as digests: equal lengths for timingSafeEqual, and no length leak.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(header.slice('Bearer '.length).trim()), digest(secret));
}

/** The bare JIDs named in the body, or why the body is refused. */
function parseBody(body: string, domain: string): string[] | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'the body must be a JSON array of usernames or JIDs';
  }
  if (!Array.isArray(json)) return 'the body must be a JSON array of usernames or JIDs';
  const accounts = new Set<string>();
  for (const entry of json) {
    const jid = typeof entry === 'string' ? tryParseJid(entry.includes('@') ? entry : `${entry}@${domain}`) : null;
    if (!jid || !jid.local || jid.domain !== domain) return `${JSON.stringify(entry)} is not a username or a JID of ${domain}`;
    accounts.add(`${jid.local}@${jid.domain}`);
  }
  return [...accounts];
}
