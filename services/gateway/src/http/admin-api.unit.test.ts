import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import type { ClientEntry } from '../c2s/client-management.ts';
import { adminApiRouter, type AdminApiOptions } from './admin-api.ts';

interface Reply {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Runs one request through the app in memory: no socket is ever connected. */
function inject(app: express.Express, method: string, url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const req = new IncomingMessage(new Socket());
    Object.assign(req, { method, url, headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])) });
    req.push(null);
    const res = new ServerResponse(req);
    const chunks: Buffer[] = [];
    res.write = ((chunk: string | Buffer) => chunks.push(Buffer.from(chunk)) > 0) as typeof res.write;
    res.end = ((chunk?: string | Buffer | (() => void)) => {
      if (chunk !== undefined && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
      resolve({ status: res.statusCode, headers: res.getHeaders(), body: Buffer.concat(chunks).toString() });
      return res;
    }) as typeof res.end;
    app(req, res);
  });
}

const token = 'Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM0NTY3ODk';
const auth = { Authorization: `Bearer ${token}` };
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
const entry: ClientEntry = {
  id: 'client/phone',
  type: 'session',
  connected: true,
  firstSeen: '2025-03-01T11:00:00.000Z',
  lastSeen: '2025-03-01T11:05:00.000Z',
  auth: ['password'],
  userAgent: { software: 'Gajim' },
};

function app(over: Partial<AdminApiOptions> = {}) {
  const calls: string[] = [];
  const server = express();
  server.use(
    adminApiRouter({
      adminToken: token,
      listClients: async (jid) => {
        calls.push(`list ${jid}`);
        return [entry];
      },
      revokeClient: async (jid, id) => void calls.push(`revoke ${jid} ${id}`),
      ...over,
    }),
  );
  return { server, calls };
}

const problemOf = (reply: Reply) => {
  assert.match(String(reply.headers['content-type']), /^application\/problem\+json/);
  return JSON.parse(reply.body) as { type: string; title: string; status: number; detail?: string; instance: string };
};

describe('admin API: authentication', () => {
  it('answers 401 without the bearer token, or with a wrong one, asking nothing', async () => {
    const { server, calls } = app();
    const missing = await inject(server, 'GET', '/admin/users/alice@localhost/clients');
    assert.equal(missing.status, 401);
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="gatehouse-admin"');
    assert.equal(problemOf(missing).type, 'urn:gatehouse:problem:unauthorized');
    const wrong = await inject(server, 'DELETE', '/admin/users/alice@localhost/clients/client%2Fphone', { Authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    assert.match(String(wrong.headers['www-authenticate']), /error="invalid_token"/);
    assert.deepEqual(calls, []);
  });

  it('is off when no ADMIN_TOKEN is set: every request 401, even an empty bearer', async () => {
    for (const adminToken of [undefined, '']) {
      const { server } = app({ adminToken });
      const reply = await inject(server, 'GET', '/admin/users/alice@localhost/clients', { Authorization: 'Bearer ' });
      assert.equal(reply.status, 401);
      assert.equal(problemOf(reply).type, 'urn:gatehouse:problem:admin-api-disabled');
    }
  });
});

describe('admin API: clients', () => {
  it('lists the clients of a normalised JID', async () => {
    const { server, calls } = app();
    const reply = await inject(server, 'GET', '/admin/users/Alice@LocalHost/clients', auth);
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { jid: 'alice@localhost', clients: [entry] });
    assert.deepEqual(calls, ['list alice@localhost']);
  });

  it('revokes an id given URL-encoded or not, answering 204', async () => {
    const { server, calls } = app();
    assert.equal((await inject(server, 'DELETE', '/admin/users/alice@localhost/clients/client%2Fconversations.im%2F6b1e', auth)).status, 204);
    assert.equal((await inject(server, 'DELETE', '/admin/users/alice%40localhost/clients/grant/HjEEr45_LQr', auth)).status, 204);
    assert.deepEqual(calls, ['revoke alice@localhost client/conversations.im/6b1e', 'revoke alice@localhost grant/HjEEr45_LQr']);
  });

  it('maps failures to problem details: 400, 404, 409, 503, 500', async () => {
    const cases: [Error, number, string][] = [
      [coded('account-not-found', 'nobody@localhost does not exist'), 404, 'account-not-found'],
      [coded('host-unknown'), 404, 'host-unknown'],
      [coded('item-not-found', 'Client not found'), 404, 'item-not-found'],
      [coded('password-reset-required'), 409, 'password-reset-required'],
      [coded('bad-request', 'id: too long'), 400, 'bad-request'],
      [coded('unavailable'), 503, 'unavailable'],
    ];
    for (const [error, status, code] of cases) {
      const { server } = app({ revokeClient: async () => Promise.reject(error), listClients: async () => Promise.reject(error) });
      for (const [method, url] of [['DELETE', '/admin/users/alice@localhost/clients/client%2Fx'], ['GET', '/admin/users/alice@localhost/clients']] as const) {
        const reply = await inject(server, method, url, auth);
        assert.equal(reply.status, status, `${method} ${code}`);
        const body = problemOf(reply);
        assert.deepEqual([body.type, body.status, body.instance], [`urn:gatehouse:problem:${code}`, status, url]);
        if (code === 'unavailable') assert.equal(reply.headers['retry-after'], '5');
      }
    }
    const { server } = app({ listClients: async () => Promise.reject(new TypeError('bug')) });
    const crash = await inject(server, 'GET', '/admin/users/alice@localhost/clients', auth);
    assert.equal(crash.status, 500);
    assert.doesNotMatch(crash.body, /bug/);
  });

  it('refuses a JID that cannot name an account with 400, and unknown admin paths with 404', async () => {
    const { server, calls } = app();
    for (const jid of ['localhost', 'alice@localhost%2Fphone', 'a%40%40b']) {
      const reply = await inject(server, 'GET', `/admin/users/${jid}/clients`, auth);
      assert.equal(reply.status, 400, jid);
      assert.equal(problemOf(reply).type, 'urn:gatehouse:problem:jid-malformed');
    }
    assert.equal((await inject(server, 'GET', '/admin/users', auth)).status, 404);
    assert.equal((await inject(server, 'PUT', '/admin/users/alice@localhost/clients', auth)).status, 404);
    assert.deepEqual(calls, []);
  });
});
