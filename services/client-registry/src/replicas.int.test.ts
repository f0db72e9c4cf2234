import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readAggregate, type NatsConnection } from '@gatehouse/bus';
import { isClientEvent, isControlEvent, namesFor, type ClientEvent } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { ClientNotFoundError } from './client/decide.ts';
import { createClientRegistryService, type ClientRegistryService } from './service.ts';
import { testGateway } from './test-gateway.ts';
import { startRegistryStack } from './test-stack.ts';

const logger = createLogger('client-registry-test', process.env.LOG_LEVEL ?? 'silent');
const bob = 'bob@localhost';

/** Two replicas side by side: they share the durable intakes and the revoke requests, and race on the same clients. */
describe('two client registry replicas racing on the same clients', { timeout: 120_000 }, () => {
  let stack: Awaited<ReturnType<typeof startRegistryStack>>;
  let nc: NatsConnection;
  let ns: string;
  let replicas: ClientRegistryService[];
  let gateway: ReturnType<typeof testGateway>;

  const eventsOf = async (clientId: string): Promise<ClientEvent[]> =>
    (await readAggregate(nc, namesFor(ns).streams.clients, namesFor(ns).subjects.client(bob, clientId))).events.filter(isClientEvent);
  const typesOf = async (clientId: string) => (await eventsOf(clientId)).map((event) => event.type.replace(/^gatehouse\.client\.|\.v1$/g, '')).sort();
  const settle = async () => {
    for (const replica of replicas) assert.ok(await replica.settled(20_000), 'every replica handled every event');
  };

  before(async () => {
    stack = await startRegistryStack(logger);
    ({ nc, ns } = stack);
    replicas = [0, 1].map(() => createClientRegistryService({ nc, ns, domain: 'localhost', logger, retryDelayMs: 100 }));
    await Promise.all(replicas.map((replica) => replica.start()));
    gateway = testGateway(nc, ns);
    await gateway.token('account.create', { jid: bob, password: 'builder' });
  });
  after(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.stop()));
    await stack?.stop();
  });

  it('stores each fact of each client once when its login, grant and token are handled on either replica at once', async () => {
    const ids = Array.from({ length: 12 }, (_, n) => `device${n}`);
    await Promise.all(ids.map((clientId) => gateway.login({ jid: bob, clientId, method: 'fast' }, { bind: `${clientId}.1`, requestToken: true })));
    await settle();
    for (const clientId of ids) assert.deepEqual(await typesOf(clientId), ['fast-token-issued', 'granted', 'seen'], clientId);
  });

  it('revokes a client once when both replicas are asked at the same moment', async () => {
    const session = await gateway.login({ jid: bob, clientId: 'tablet', method: 'fast' }, { bind: 'tablet.1', requestToken: true });
    await settle();
    const results = await Promise.allSettled(replicas.map((replica) => replica.revoke({ jid: bob, id: 'client/tablet', reason: 'revoked-by-user' })));
    const revoked = (await eventsOf('tablet')).filter((event) => event.type === 'gatehouse.client.revoked.v1');
    assert.equal(revoked.length, 1, 'one client.revoked');
    assert.deepEqual(revoked[0]?.data.fullJids, [session.fullJid]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1, 'one replica revoked it');
    const refused = results.find((result) => result.status === 'rejected');
    assert.ok(refused?.status === 'rejected' && refused.reason instanceof ClientNotFoundError, 'the other found nothing left to revoke');
    const cuts = (await readAggregate(nc, namesFor(ns).streams.control, namesFor(ns).subjects.control(bob))).events.filter(isControlEvent);
    assert.deepEqual(cuts.map((cut) => cut.data.clientId), ['tablet'], 'one access-cut notice, stored once');
  });

  it('tells every client of a password change, whichever replica made the client while the change was handled', async () => {
    const ids = Array.from({ length: 8 }, (_, n) => `laptop${n}`);
    await Promise.all([
      ...ids.map((clientId) => gateway.login({ jid: bob, clientId }, { bind: `${clientId}.1` })),
      gateway.token('account.password', { jid: bob, password: 'can-we-fix-it' }),
    ]);
    await settle();
    for (const clientId of ids) {
      const types = await typesOf(clientId);
      assert.ok(types.includes('seen'), `${clientId} is known`);
      assert.equal(types.filter((type) => type === 'password-changed').length, 1, `${clientId} learned the change once: ${types.join(', ')}`);
    }
  });

  it('decides on one replica on what the other changed a moment ago: a revoked client that returns is seen returning', async () => {
    const [a] = replicas as [ClientRegistryService];
    const ids = ['watch', 'ring', 'car', 'tv'];
    await Promise.all(ids.map((clientId) => gateway.login({ jid: bob, clientId, method: 'fast' }, { bind: `${clientId}.1`, requestToken: true })));
    await settle();
    // Either replica may hold each client in its cache as known; one revokes them all.
    for (const clientId of ids) await a.revoke({ jid: bob, id: `client/${clientId}`, reason: 'revoked-by-user' });
    const back = await Promise.all(ids.map((clientId) => gateway.login({ jid: bob, clientId, method: 'fast' }, { bind: `${clientId}.2` })));
    await settle();
    for (const clientId of ids) {
      const seen = (await eventsOf(clientId)).flatMap((event) => (event.type === 'gatehouse.client.seen.v1' ? [event.data.change] : []));
      assert.deepEqual(seen, ['first-seen', 'returned'], `${clientId}: the returning login is not taken for a routine one on a stale cache`);
    }
    for (const session of back) await gateway.close(session);
  });
});
