import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callAll, request, serviceCaller, ServiceError, type ServiceCaller } from '@gatehouse/bus';
import { createProjectionsService, type ProjectionsService } from './service.ts';
import { eventWriters, sid } from './client-listing/test-events.ts';
import { credentials, setupFixture, testLogger, type Fixture } from './test-fixture.ts';

describe('projections service API over NATS', () => {
  let fixture: Fixture;
  let service: ProjectionsService;
  const ask: ServiceCaller<'projections'> = (endpoint, payload) => serviceCaller(fixture.nc, fixture.ns, 'projections', { timeoutMs: 5_000 })(endpoint, payload);

  before(async () => {
    fixture = await setupFixture();
    service = createProjectionsService({ nc: fixture.nc, db: fixture.db, namespace: fixture.ns, logger: testLogger, retryDelayMs: 100 });
    await service.start();
  });
  after(async () => {
    await service?.stop();
    await fixture?.cleanup();
  });

  it('accounts.list answers with accounts appended just before the request', async () => {
    assert.deepEqual(await ask('accounts.list', {}), { items: [] });
    await fixture.append('gatehouse.account.created.v1', 'alice@localhost', { jid: 'alice@localhost', credentials });
    await fixture.append('gatehouse.account.created.v1', 'bob@example.org', { jid: 'bob@example.org', credentials });
    assert.deepEqual(await ask('accounts.list', undefined), { items: ['alice@localhost', 'bob@example.org'] });
    await fixture.append('gatehouse.account.deleted.v1', 'alice@localhost', { jid: 'alice@localhost' });
    assert.deepEqual(await ask('accounts.list', { domain: 'localhost' }), { items: [] });
    assert.deepEqual(await ask('accounts.list', { domain: 'example.org' }), { items: ['bob@example.org'] });
  });

  it('rebuild replays the stream and reports the count', async () => {
    assert.deepEqual(await ask('rebuild', { name: 'account-listing' }), { applied: 3, total: 3 });
    assert.deepEqual(await ask('accounts.list', {}), { items: ['bob@example.org'] });
  });

  it('refuses a second rebuild of the same projection while one runs', async () => {
    const first = ask('rebuild', { name: 'account-listing' });
    await assert.rejects(ask('rebuild', { name: 'account-listing' }), (error: unknown) => error instanceof ServiceError && error.code === 'rebuild-in-progress');
    assert.deepEqual(await first, { applied: 3, total: 3 });
  });

  it('activity.last answers with a session end appended just before the request, and refuses a full JID', async () => {
    const { session } = eventWriters(fixture);
    assert.deepEqual(await ask('activity.last', { jid: 'kim@localhost' }), {});
    const at = '2025-03-01T10:00:00.000Z';
    await session('gatehouse.session.established.v1', { sessionId: sid(1), replica: 'gw-1', jid: 'kim@localhost/phone', transport: 'tls', clientIp: '192.0.2.7', openedAt: at, mechanism: 'SCRAM-SHA-256', method: 'password', clientId: 'phone', legacy: false }, at);
    await session('gatehouse.session.ended.v1', { sessionId: sid(1), jid: 'kim@localhost/phone', reason: 'closed-by-client', clientId: 'phone', status: 'off to bed' }, '2025-03-01T10:05:00.000Z');
    assert.deepEqual(await ask('activity.last', { jid: 'Kim@localhost' }), { lastLogout: '2025-03-01T10:05:00.000Z', status: 'off to bed' });
    await assert.rejects(ask('activity.last', { jid: 'kim@localhost/phone' }), (error: unknown) => error instanceof ServiceError && error.code === 'jid-malformed');
  });

  it('clients.logins answers with every known client, listed or not, its live sessions and last uses, as of the request', async () => {
    const { session, client } = eventWriters(fixture);
    const jid = 'lee@localhost';
    const at = (minute: number) => `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const established = (n: number, clientId: string, mechanism: string, method: 'password' | 'fast', minute: number) =>
      session(
        'gatehouse.session.established.v1',
        { sessionId: sid(n), replica: 'gw-1', jid: `${jid}/${clientId}`, transport: 'tls', clientIp: '192.0.2.7', openedAt: at(minute), mechanism, method, clientId, legacy: false },
        at(minute),
      );
    await client('gatehouse.client.seen.v1', { jid, clientId: 'laptop', sessionId: sid(10), change: 'first-seen', legacy: false, mechanism: 'SCRAM-SHA-256', method: 'password' }, at(0));
    await established(10, 'laptop', 'SCRAM-SHA-256', 'password', 0);
    await client('gatehouse.client.seen.v1', { jid, clientId: 'phone', sessionId: sid(11), change: 'first-seen', legacy: false, mechanism: 'HT-SHA-256-NONE', method: 'fast' }, at(1));
    await established(11, 'phone', 'HT-SHA-256-NONE', 'fast', 1);
    await session('gatehouse.session.ended.v1', { sessionId: sid(10), jid: `${jid}/laptop`, reason: 'closed-by-client', clientId: 'laptop' }, at(2));
    // A password change ends the laptop's access: not listed any more, still a known client.
    await client('gatehouse.client.password-changed.v1', { jid, clientId: 'laptop' }, at(3));
    await established(12, 'phone', 'HT-SHA-256-NONE', 'fast', 4);
    const { items } = await callAll(fixture.nc, fixture.ns, 'projections.clients.logins', { jid: 'Lee@localhost' });
    assert.deepEqual(items, [
      { clientId: 'laptop', lastSeen: at(2), passwordUsedAt: at(0), sessions: [] },
      {
        clientId: 'phone',
        lastSeen: at(4),
        fastUsedAt: at(4),
        sessions: [
          { sessionId: sid(11), fullJid: `${jid}/phone`, establishedAt: at(1) },
          { sessionId: sid(12), fullJid: `${jid}/phone`, establishedAt: at(4) },
        ],
      },
    ]);
    assert.deepEqual(await callAll(fixture.nc, fixture.ns, 'projections.clients.logins', { jid: 'nobody@localhost' }), { items: [] });
    await assert.rejects(ask('clients.logins', { jid: 'lee@localhost/phone' }), (error: unknown) => error instanceof ServiceError && error.code === 'jid-malformed');
  });

  it('refuses malformed requests and unknown projections with codes', async () => {
    await assert.rejects(request(fixture.nc, `${fixture.names.services.projections}.accounts.list`, { domain: 42 }), (error: unknown) => error instanceof ServiceError && error.code === 'bad-request');
    await assert.rejects(ask('rebuild', { name: 'nope' }), (error: unknown) => error instanceof ServiceError && error.code === 'unknown-projection');
  });

  it('accounts.list answers in pages when the accounts outgrow one NATS message', { timeout: 60_000 }, async () => {
    // 1,500 JIDs of ~810 bytes: ~1.2 MiB of JSON, over the default max_payload of 1 MiB.
    const jids = Array.from({ length: 1_500 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(800)}@big.test`);
    for (let i = 0; i < jids.length; i += 50) {
      await Promise.all(jids.slice(i, i + 50).map((jid) => fixture.append('gatehouse.account.created.v1', jid, { jid, credentials })));
    }
    const first = await ask('accounts.list', { domain: 'big.test' });
    assert.ok(first.next !== undefined && first.items.length < jids.length);
    const all = await callAll(fixture.nc, fixture.ns, 'projections.accounts.list', { domain: 'big.test' }, { timeoutMs: 10_000 });
    assert.deepEqual(all, { items: jids });
  });
});
