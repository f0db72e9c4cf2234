/**
 * The admin HTTP API: what `gatehouse user clients` and `revoke-client` do, for operators'
 * tools (XEP-0494 §5: "implementations MAY provide functionality for server administrators
 * to view and revoke access on behalf of users").
 *
 *   GET    /admin/users/:jid/clients       200 { jid, clients: [...] }
 *   DELETE /admin/users/:jid/clients/:id   204; the id URL-encoded (`client%2Fabc`) or not (`client/abc`)
 *
 * Every request carries `Authorization: Bearer <ADMIN_TOKEN>` (RFC 6750 §2.1); with no
 * token configured the API is off and answers 401. Errors are RFC 9457 problem details.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { bareJid, tryParseJid } from '@gatehouse/xmpp';
import type { ClientEntry } from '../c2s/client-management.ts';

export interface AdminApiOptions {
  /** ADMIN_TOKEN; undefined or empty turns the API off (every request 401). */
  adminToken: string | undefined;
  /** projections `clients.list` for the normalised bare JID; rejects with a coded Error. */
  listClients(jid: string): Promise<readonly ClientEntry[]>;
  /** client-registry `client.revoke` (reason `revoked-by-admin`); rejects with a coded Error. */
  revokeClient(jid: string, id: string): Promise<void>;
}

/** Problem `type` URIs are `urn:gatehouse:problem:<code>` (docs/client-management.md lists them). */
const PROBLEMS: Record<string, { status: number; title: string }> = {
  unauthorized: { status: 401, title: 'Missing or wrong admin token' },
  'admin-api-disabled': { status: 401, title: 'The admin API is off: set ADMIN_TOKEN' },
  'jid-malformed': { status: 400, title: 'Not an account JID' },
  'bad-request': { status: 400, title: 'Bad request' },
  'account-not-found': { status: 404, title: 'No such user' },
  'host-unknown': { status: 404, title: 'No such user: this server does not serve that domain' },
  'item-not-found': { status: 404, title: 'No such client' },
  'not-found': { status: 404, title: 'No such admin resource' },
  'password-reset-required': { status: 409, title: 'Password reset required' },
  unavailable: { status: 503, title: 'A Gatehouse service is not answering' },
};

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function adminApiRouter({ adminToken, listClients, revokeClient }: AdminApiOptions): Router {
  const router = Router();
  const expected = adminToken ? digest(adminToken) : undefined;

  router.use('/admin', (req: Request, res: Response, next: NextFunction) => {
    // RFC 6750 §2.1: `Bearer` (any case, RFC 9110 §11.1) and a b64token.
    const presented = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.get('authorization') ?? '')?.[1];
    // Digests first: equal lengths for timingSafeEqual, and no timing hint of the token's length.
    if (expected && presented !== undefined && timingSafeEqual(digest(presented), expected)) return next();
    res.set('WWW-Authenticate', presented === undefined ? 'Bearer realm="gatehouse-admin"' : 'Bearer realm="gatehouse-admin", error="invalid_token"');
    problem(res, req, expected ? 'unauthorized' : 'admin-api-disabled');
  });

  router.get('/admin/users/:jid/clients', async (req: Request, res: Response) => {
    const jid = accountJid(String(req.params.jid));
    if (!jid) return problem(res, req, 'jid-malformed', `${JSON.stringify(req.params.jid)} is not user@domain`);
    try {
      res.json({ jid, clients: await listClients(jid) });
    } catch (error) {
      failure(res, req, error);
    }
  });

  router.delete('/admin/users/:jid/clients/*id', async (req: Request, res: Response) => {
    const jid = accountJid(String(req.params.jid));
    if (!jid) return problem(res, req, 'jid-malformed', `${JSON.stringify(req.params.jid)} is not user@domain`);
    // Express decodes each segment: `client%2Fabc` and `client/abc` both name `client/abc`.
    const segments = req.params.id as unknown as string[];
    try {
      await revokeClient(jid, segments.join('/'));
      res.status(204).end();
    } catch (error) {
      failure(res, req, error);
    }
  });

  router.all(['/admin', '/admin/*rest'], (req: Request, res: Response) => problem(res, req, 'not-found'));
  return router;
}

function accountJid(input: string): string | undefined {
  const jid = tryParseJid(input);
  return jid && jid.local !== '' && jid.resource === '' ? bareJid(jid) : undefined;
}

function failure(res: Response, req: Request, error: unknown): void {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  if (typeof code === 'string' && code in PROBLEMS && code !== 'unauthorized' && code !== 'admin-api-disabled' && code !== 'not-found') {
    if (code === 'unavailable') res.set('Retry-After', '5');
    return problem(res, req, code, code === 'password-reset-required' ? PASSWORD_DETAIL : (error as Error).message);
  }
  res.status(500).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: req.originalUrl }));
}

const PASSWORD_DETAIL =
  "The client's sessions were closed and its grant and FAST tokens revoked, but it logged in with the password and can do so again: change the password to cut it off.";

/** RFC 9457 §3: type, title, status, detail, instance. */
function problem(res: Response, req: Request, code: string, detail?: string): void {
  const { status, title } = PROBLEMS[code]!;
  const body = { type: `urn:gatehouse:problem:${code}`, title, status, ...(detail ? { detail } : {}), instance: req.originalUrl };
  res.status(status).type('application/problem+json').send(JSON.stringify(body));
}
