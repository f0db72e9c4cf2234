import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, ensureStreams, request, ServiceError, type NatsConnection } from '@gatehouse/bus';
import { createDb, migrateToLatest } from '@gatehouse/db';
import { namesFor } from '@gatehouse/events';
import { createProjectionsService, migrations, type Database, type ProjectionsService } from '@gatehouse/projections';
import { createLogger } from '@gatehouse/telemetry';
import { createTestDatabase, setupNats, waitFor, type NatsTestContext, type TestDatabase } from '@gatehouse/testing';
import { createTokenService, type TokenService } from '@gatehouse/token';
import { createClientRegistryService, type ClientRegistryService } from './service.ts';
import { testGateway } from './test-gateway.ts';

const logger = createLogger('client-registry-test', process.env.LOG_LEVEL ?? 'silent');
const alice = 'alice@localhost';

describe('client registry and client listing together (NATS + PostgreSQL)', { timeout: 120_000 }, () => {
  let context: NatsTestContext;
  let nc: NatsConnection;
  let ns: string;
  let database: TestDatabase;
  let db: ReturnType<typeof createDb<Database>>;
  let token: TokenService;
  let projections: ProjectionsService;
  let registry: ClientRegistryService;
  let gateway: ReturnType<typeof testGateway>;

  const startRegistry = async () => {
    registry = createClientRegistryService({ nc, ns, domain: 'localhost', logger, retryDelayMs: 100 });
    await registry.start();
  };
  const list = async () => (await call(nc, ns, 'projections.clients.list', { jid: alice })).items;
  const revoke = (id: string) => request(nc, `${namesFor(ns).services.clientRegistry}.client.revoke`, { jid: alice, id });

  before(async () => {
    context = await setupNats();
    ({ nc, ns } = context);
    await ensureStreams(nc, ns);
    database = await createTestDatabase();
    db = createDb<Database>({ kind: 'postgres', url: database.url }, { onConnectionError: (err) => logger.debug({ err }, 'idle connection closed') });
    await migrateToLatest(db, migrations);
    token = createTokenService({ nc, ns, domain: 'localhost', logger });
    await token.start();
    projections = createProjectionsService({ nc, db, namespace: ns, logger, retryDelayMs: 100 });
    await projections.start();
    await startRegistry();
    gateway = testGateway(nc, ns);
    await gateway.token('account.create', { jid: alice, password: 'wonderland' });
  });
  after(async () => {
    await registry?.stop();
    await projections?.stop();
    await token?.stop();
    await db?.destroy();
    await database?.cleanup();
    await context.cleanup();
  });

  it('lists the clients of the account as their logins happen', async () => {
    await gateway.login({ jid: alice, clientId: 'phone', userAgent: { software: 'Conversations', device: 'Pixel' } }, { bind: 'phone.1', requestToken: true });
    const laptop = await gateway.login({ jid: alice, mechanism: 'PLAIN' }, { bind: 'laptop' });
    await gateway.close(laptop);
    assert.ok(await registry.settled(10_000));
    const clients = await list();
    assert.deepEqual(
      clients.map(({ type, connected, auth, legacy, userAgent }) => ({ type, connected, auth, legacy, userAgent })),
      [
        { type: 'session', connected: true, auth: ['password', 'grant', 'fast'], legacy: false, userAgent: { software: 'Conversations', device: 'Pixel' } },
        { type: 'session', connected: false, auth: ['password'], legacy: true, userAgent: {} },
      ],
    );
    assert.equal(clients[0]?.id, 'client/phone');
    assert.match(clients[1]?.id ?? '', /^client\/[A-Za-z0-9_-]{12}$/);
  });

  it('shows a revocation at once: the FAST client is gone from the list', async () => {
    await gateway.login({ jid: alice, clientId: 'tablet', method: 'fast' }, { bind: 'tablet.1', requestToken: true });
    assert.ok(await registry.settled(10_000));
    assert.ok((await list()).some((entry) => entry.id === 'client/tablet'));
    assert.deepEqual(await revoke('client/tablet'), {});
    assert.ok(!(await list()).some((entry) => entry.id === 'client/tablet'));
  });

  it('still lists while the registry is down, new logins included, and catches up when it is back', async () => {
    await registry.stop();
    const before = await list();
    assert.ok(before.length >= 2);
    await gateway.login({ jid: alice, clientId: 'watch', method: 'fast' }, { bind: 'watch.1' });
    // Catalog v2: the listing reads logins from the session events, not from the registry.
    await waitFor(async () => ((await list()).some((entry) => entry.id === 'client/watch' && entry.connected) ? true : undefined));
    await assert.rejects(revoke('client/phone'), (error: unknown) => error instanceof ServiceError && error.code === 'unavailable');
    await startRegistry();
    assert.ok(await registry.settled(10_000));
    assert.ok((await list()).some((entry) => entry.id === 'client/watch' && entry.connected));
  });

  it('keeps at most maxClientsPerAccount clients listed for an account logging in with fresh resources', async () => {
    await registry.stop();
    registry = createClientRegistryService({ nc, ns, domain: 'localhost', logger, retryDelayMs: 100, maxClientsPerAccount: 3 });
    await registry.start();
    const carol = 'carol@localhost';
    await gateway.token('account.create', { jid: carol, password: 'pw' });
    const online = await gateway.login({ jid: carol, mechanism: 'PLAIN' }, { bind: 'desk' });
    // Legacy clients (no client id) are one per full JID: each fresh resource is a new client.
    for (let i = 0; i < 8; i++) await gateway.close(await gateway.login({ jid: carol, mechanism: 'PLAIN' }, { bind: `fresh${i}` }));
    assert.ok(await registry.settled(20_000));
    const listed = (await call(nc, ns, 'projections.clients.list', { jid: carol })).items;
    assert.equal(listed.length, 3);
    assert.equal(listed.filter((client) => client.connected).length, 1, 'the connected client stays');
    await gateway.close(online);
    await registry.stop();
    await startRegistry();
  });
});
