/**
 * Issue 6 end to end: listing and revoking clients over XMPP (both dialects) and the
 * admin API, with two gateway replicas, client-registry and the client-listing projection.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { waitFor } from '@gatehouse/testing';
import { connectClient, xml, type ConnectedClient } from './test-support/xmpp-client.ts';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';

const NS = 'xmpp:prosody.im/protocol/manage-clients';
const CAM = 'urn:xmpp:cam:0';
const ADMIN_TOKEN = 'test-admin-token';

let stack: TestStack;
const open: ConnectedClient[] = [];

before(async () => {
  stack = await startStack({ gateways: 2, clients: true, env: { ADMIN_TOKEN } });
});
after(async () => {
  await Promise.all(open.map((client) => client.stop()));
  await stack.stop();
});

const service = (replica: number) => `xmpp://127.0.0.1:${stack.gateways[replica]!.ports.c2s}`;

async function login(replica: number, username: string, opts: { password?: string; clientId?: string; fastToken?: ReturnType<ConnectedClient['fastToken']> } = {}) {
  const client = await connectClient({ service: service(replica), username, password: opts.password ?? 'pw', clientId: opts.clientId ?? randomUUID(), fastToken: opts.fastToken });
  open.push(client);
  return client;
}

async function list(client: ConnectedClient, ns = NS): Promise<Element> {
  const reply = await client.xmpp.iqCaller.request(xml('iq', { type: 'get' }, xml('list', { xmlns: ns })));
  return reply.getChild('clients', ns)!;
}

function closedWith(client: ConnectedClient): Promise<{ condition: string; at: number }> {
  return new Promise((resolve) => {
    client.xmpp.on('error', (error: { condition?: string }) => resolve({ condition: error.condition ?? 'error', at: Date.now() }));
    client.xmpp.on('offline', () => resolve({ condition: 'offline', at: Date.now() }));
  });
}

describe('client management across replicas', () => {
  it('lists the second client, revokes it from the first, cuts its session on the other replica, and its FAST token then fails', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const phoneId = randomUUID();
    const laptop = await login(0, user);
    const phone = await login(1, user, { clientId: phoneId });
    const token = phone.fastToken();
    assert.ok(token, 'the phone holds a FAST token');

    const entry = await waitFor(async () => {
      const clients = await list(laptop);
      return clients.getChildren('client').find((client) => client.attrs.id === `client/${phoneId}` && client.attrs.connected === 'true');
    });
    assert.equal(entry.attrs.type, 'session');
    assert.ok(entry.getChild('first-seen') && entry.getChild('last-seen'));
    assert.ok(entry.getChild('auth')?.getChild('password'));
    assert.equal(entry.getChild('user-agent')?.getChildText('software'), 'gatehouse-tests');

    const closed = closedWith(phone);
    const started = Date.now();
    // The phone logged in with the password: revoking cuts it off, then says a password reset is needed.
    await assert.rejects(
      laptop.xmpp.iqCaller.request(xml('iq', { type: 'set' }, xml('revoke', { xmlns: NS, id: `client/${phoneId}` }))),
      (error: { condition?: string; element?: Element }) =>
        // @xmpp/error keeps the <error/> element itself as `element`.
        error.condition === 'service-unavailable' && error.element?.getChild('password-reset-required', NS) !== undefined,
    );
    const { condition, at } = await closed;
    assert.equal(condition, 'reset');
    assert.ok(at - started < 2_000, `the phone's stream ended ${at - started} ms after the revoke`);
    await assert.rejects(login(1, user, { password: '', clientId: phoneId, fastToken: token }));
  });

  it('answers XEP-0494 urn:xmpp:cam:0 too', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const clientId = randomUUID();
    const client = await login(1, user, { clientId });
    const entry = await waitFor(async () => (await list(client, CAM)).getChildren('client').find((c) => c.attrs.id?.endsWith(clientId)));
    assert.equal(entry.attrs.connected, 'true');
  });

  it('refuses unknown ids, malformed revokes, other accounts and huge requests', async () => {
    const user = uniqueUser();
    const other = uniqueUser();
    await stack.createAccount(user, 'pw');
    await stack.createAccount(other, 'pw');
    const client = await login(0, user);
    const set = (child: Element, to?: string) => client.xmpp.iqCaller.request(xml('iq', { type: 'set', ...(to ? { to } : {}) }, child));
    await assert.rejects(set(xml('revoke', { xmlns: NS, id: 'client/does-not-exist' })), (e: { condition?: string }) => e.condition === 'item-not-found');
    await assert.rejects(set(xml('revoke', { xmlns: NS })), (e: { condition?: string }) => e.condition === 'item-not-found' || e.condition === 'bad-request');
    await assert.rejects(
      client.xmpp.iqCaller.request(xml('iq', { type: 'get', to: `${other}@localhost` }, xml('list', { xmlns: NS }))),
      (e: { condition?: string }) => e.condition === 'forbidden',
    );
    const huge = xml('list', { xmlns: NS }, ...Array.from({ length: 200 }, (_, i) => xml('padding', { n: String(i) }, 'x'.repeat(50))));
    await assert.rejects(client.xmpp.iqCaller.request(xml('iq', { type: 'get' }, huge)), (e: { condition?: string }) => e.condition === 'bad-request');
  });
});

describe('admin API', () => {
  const base = () => `http://127.0.0.1:${stack.gateways[0]!.ports.admin}/admin/users`;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  it('lists and revokes clients with the admin token, with problem details for errors', async () => {
    const user = uniqueUser();
    const jid = await stack.createAccount(user, 'pw');
    const clientId = randomUUID();
    const phone = await login(1, user, { clientId });
    const closed = closedWith(phone);

    assert.equal((await fetch(`${base()}/${jid}/clients`)).status, 401);
    const listed = await waitFor(async () => {
      const body = (await (await fetch(`${base()}/${encodeURIComponent(jid)}/clients`, { headers: auth })).json()) as { clients: { id: string }[] };
      return body.clients.find((c) => c.id === `client/${clientId}`);
    });
    assert.ok(listed);

    const missing = await fetch(`${base()}/${encodeURIComponent(jid)}/clients/${encodeURIComponent('client/nope')}`, { method: 'DELETE', headers: auth });
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /application\/problem\+json/);

    const revoked = await fetch(`${base()}/${encodeURIComponent(jid)}/clients/${encodeURIComponent(`client/${clientId}`)}`, { method: 'DELETE', headers: auth });
    assert.ok([204, 409].includes(revoked.status), `revoke answered ${revoked.status}`);
    assert.equal((await closed).condition, 'reset');
  });
});
