import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readAggregate, type NatsConnection } from '@gatehouse/bus';
import { isClientEvent, namesFor } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { createClientRegistryService, type ClientRegistryService } from './service.ts';
import { testGateway } from './test-gateway.ts';
import { startRegistryStack } from './test-stack.ts';

const logger = createLogger('client-registry-test', process.env.LOG_LEVEL ?? 'silent');
const carol = 'carol@localhost';

describe('client limit on NATS: the account read on demand, last uses from the projections service', { timeout: 120_000 }, () => {
  let stack: Awaited<ReturnType<typeof startRegistryStack>>;
  let nc: NatsConnection;
  let ns: string;
  let registry: ClientRegistryService;

  before(async () => {
    stack = await startRegistryStack(logger);
    ({ nc, ns } = stack);
    registry = createClientRegistryService({ nc, ns, domain: 'localhost', logger, retryDelayMs: 100, maxClientsPerAccount: 2 });
    await registry.start();
  });
  after(async () => {
    await registry?.stop();
    await stack?.stop();
  });

  it('forgets the clients seen least recently once the account has more than the bound, never one online', async () => {
    const gateway = testGateway(nc, ns);
    await gateway.token('account.create', { jid: carol, password: 'secret' });
    const online = await gateway.login({ jid: carol, mechanism: 'PLAIN' }, { bind: 'online' });
    assert.ok(await registry.settled(10_000));
    const idle: (string | undefined)[] = [];
    for (const resource of ['one', 'two', 'three']) {
      const session = await gateway.login({ jid: carol, mechanism: 'PLAIN' }, { bind: resource });
      idle.push(session.clientId);
      await gateway.close(session);
      assert.ok(await registry.settled(10_000));
    }
    const names = namesFor(ns);
    const events = (await readAggregate(nc, names.streams.clients, names.subjects.accountClients(carol))).events.filter(isClientEvent);
    const forgotten = events.flatMap((event) => (event.type === 'gatehouse.client.forgotten.v1' ? [[event.data.clientId, event.data.reason]] : []));
    // Each new client puts the account over 2: the one seen least recently without a session goes, never the one online.
    assert.deepEqual(forgotten, [
      [idle[0], 'client-limit'],
      [idle[1], 'client-limit'],
    ]);
    assert.notEqual(online.clientId, undefined);
  });
});
