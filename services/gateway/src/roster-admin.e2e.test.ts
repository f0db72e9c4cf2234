/**
 * External roster mode (mod_http_roster_admin): rosters come from a web app (an HTTP
 * test server here), and `POST /roster_admin/refresh` pulls changes to online clients.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { startRosterWebApp, type RosterWebApp } from '@gatehouse/testing';
import { xml } from './test-support/xmpp-client.ts';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';
import { NS_ROSTER, isPresence, isPush, login, online } from './test-support/im.ts';

const SECRET = 'roster-admin-test-secret';

describe('external roster mode (mod_http_roster_admin)', () => {
  let app: RosterWebApp;
  let stack: TestStack;
  before(async () => {
    app = await startRosterWebApp({ slowMs: 3_000 });
    stack = await startStack({
      gateways: 2,
      env: { ROSTER_HTTP_URL: app.urlTemplate, ROSTER_HTTP_TIMEOUT_MS: '500', ROSTER_ADMIN_SECRET: SECRET },
    });
  });
  after(async () => {
    await stack.stop();
    await app.stop();
  });

  const user = async (prefix: string) => {
    const name = uniqueUser(prefix);
    await stack.createAccount(name, 'pw');
    return name;
  };
  const refresh = async (body: string, opts: { gateway?: number; auth?: string | null } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.auth !== null) headers.authorization = opts.auth ?? `Bearer ${SECRET}`;
    const response = await fetch(`http://127.0.0.1:${stack.gateways[opts.gateway ?? 0]!.ports.admin}/roster_admin/refresh`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as { status: string; message: string; updated: number; errors: number } };
  };
  const items = (roster: Element | undefined) =>
    roster?.getChildren('item').map((item: Element) => ({ jid: item.attrs.jid, name: item.attrs.name, subscription: item.attrs.subscription, groups: item.getChildren('group').map((g: Element) => g.text()) }));

  it("serves the web app's roster and refuses the client's own roster changes and subscriptions", async () => {
    const john = await user('john');
    const marie = await user('marie');
    app.behave('ok');
    app.setRoster(john, { [`${marie}@localhost`]: { name: 'Marie', groups: ['Friends'] } });
    const j = await login(stack, 0, john, 'j');
    assert.deepEqual(items(await j.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER }))), [{ jid: `${marie}@localhost`, name: 'Marie', subscription: 'both', groups: ['Friends'] }]);
    assert.ok(app.requests.includes(`/contacts/${john}`));

    await assert.rejects(
      j.xmpp.iqCaller.set(xml('query', { xmlns: NS_ROSTER }, xml('item', { jid: 'someone@localhost' }))),
      (error: { condition?: string }) => error.condition === 'not-allowed',
    );
    await j.xmpp.send(xml('presence', { to: `${marie}@localhost`, type: 'subscribe', id: 's1' }));
    const refused = await j.next((s) => s.is('presence') && s.attrs.id === 's1');
    assert.equal(refused.attrs.type, 'error');
    assert.ok(refused.getChild('error')?.getChild('not-allowed', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
    await j.stop();
  });

  it('refreshes on request, pushing the differences and the presence that follows to resources on both replicas', async () => {
    const john = await user('john');
    const aaron = await user('aaron');
    app.behave('ok');
    app.setRoster(john, {});
    app.setRoster(aaron, {});
    const phone = await login(stack, 0, john, 'phone');
    const laptop = await login(stack, 1, john, 'laptop');
    const a = await login(stack, 1, aaron, 'a');
    await Promise.all([online(phone), online(laptop), online(a)]);

    app.setRoster(john, { [`${aaron}@localhost`]: { name: 'Aaron' } });
    app.setRoster(aaron, { [`${john}@localhost`]: {} });
    assert.deepEqual(await refresh(JSON.stringify([john, `${aaron}@localhost`])), {
      status: 200,
      body: { status: 'ok', message: 'roster update complete', updated: 2, errors: 0 },
    });
    for (const resource of [phone, laptop]) {
      await resource.next(isPush(`${aaron}@localhost`, 'both'));
      await resource.next(isPresence(a.jid)); // a new contact is probed...
    }
    await a.next(isPush(`${john}@localhost`, 'both'));
    await a.next(isPresence(phone.jid)); // ...and sees the user's presence
    await a.next(isPresence(laptop.jid));

    app.setRoster(john, {});
    assert.equal((await refresh(JSON.stringify([john]), { gateway: 1 })).status, 200);
    for (const resource of [phone, laptop]) await resource.next(isPush(`${aaron}@localhost`, 'remove'));
    await a.next(isPresence(phone.jid, 'unavailable'));
    await a.next(isPresence(laptop.jid, 'unavailable'));
    assert.deepEqual(await refresh('[]'), { status: 200, body: { status: 'ok', message: 'roster update complete', updated: 0, errors: 0 } });
    await Promise.all([phone.stop(), laptop.stop(), a.stop()]);
  });

  it('answers 401 without the bearer secret and 400 for a body that is not an array of users', async () => {
    assert.equal((await refresh('["x"]', { auth: null })).status, 401);
    assert.equal((await refresh('["x"]', { auth: 'Bearer wrong-secret' })).status, 401);
    assert.equal((await refresh('["x"]', { auth: `Basic ${SECRET}` })).status, 401);
    for (const body of ['{"john": true}', 'not json', '[1]', '["someone@elsewhere.example"]']) {
      const answer = await refresh(body);
      assert.equal(answer.status, 400, body);
      assert.equal(answer.body.status, 'error');
    }
  });

  it('keeps the last good roster when the web app is slow, down or answers garbage, and says so', async () => {
    const john = await user('john');
    app.behave('ok');
    app.setRoster(john, { 'kept@localhost': { name: 'Kept' } });
    const first = await login(stack, 0, john, 'first');
    await online(first);
    await first.stop();

    for (const [behaviour, message] of [
      ['slow', /did not answer within 500 ms/],
      ['garbage', /other than JSON/],
      ['error', /HTTP 500/],
      ['down', /unreachable/],
    ] as const) {
      if (behaviour === 'down') await app.down();
      else app.behave(behaviour);
      const answer = await refresh(JSON.stringify([john]));
      assert.equal(answer.status, 500, behaviour);
      assert.equal(answer.body.status, 'error');
      assert.equal(answer.body.updated, 0);
      assert.equal(answer.body.errors, 1);
      assert.match(answer.body.message, message);
      // A login re-fetches, fails, and still gets the last good roster.
      const again = await login(stack, 1, john, behaviour);
      assert.deepEqual(items(await again.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER })))?.map((i) => i.jid), ['kept@localhost']);
      await again.stop();
    }
    await app.restart();
  });

  it('answers 401 to everything when no secret is configured', async () => {
    const open = await stack.startGateway(2, { ROSTER_ADMIN_SECRET: '' });
    const response = await fetch(`http://127.0.0.1:${open.ports.admin}/roster_admin/refresh`, { method: 'POST', headers: { authorization: 'Bearer ' }, body: '[]' });
    assert.equal(response.status, 401);
    await open.stop();
  });
});
