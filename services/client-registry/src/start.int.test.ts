import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readAggregate, type NatsConnection } from '@gatehouse/bus';
import { createEvent, encodeEvent, isClientEvent, namesFor, type EventDataMap, type EventType } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { jetstream } from '@nats-io/jetstream';
import { createClientRegistryService, type ClientRegistryService } from './service.ts';
import { registrySource } from './store/clients.ts';
import { startRegistryStack } from './test-stack.ts';

const logger = createLogger('client-registry-test', process.env.LOG_LEVEL ?? 'silent');
const ACCOUNTS = 3_000;
const at = '2025-03-01T10:00:00.000Z';
const accountOf = (n: number) => `user${n}@localhost`;
const grantOf = (n: number) => `G${String(n).padStart(21, '0')}`;

/** Nothing is replayed at start: a replica is ready in about the same time whatever the clients stream holds. */
describe('client registry start with a long history', { timeout: 180_000 }, () => {
  let stack: Awaited<ReturnType<typeof startRegistryStack>>;
  let nc: NatsConnection;
  let ns: string;
  let registry: ClientRegistryService | undefined;

  before(async () => {
    stack = await startRegistryStack(logger);
    ({ nc, ns } = stack);
    const names = namesFor(ns);
    const js = jetstream(nc);
    const publish = async <Type extends EventType>(type: Type, data: EventDataMap[Type] & { jid: string; clientId: string }) => {
      const subject = names.subjects.client(data.jid, data.clientId);
      const event = createEvent(type, { subject, source: registrySource, data, time: at });
      await js.publish(subject, encodeEvent(event), { msgID: event.id });
    };
    // Straight onto the clients stream, as the registry appends them: a known client with a grant per account.
    for (let start = 0; start < ACCOUNTS; start += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, ACCOUNTS - start) }, async (_, i) => {
          const n = start + i;
          const key = { jid: accountOf(n), clientId: 'phone' };
          await publish('gatehouse.client.seen.v1', { ...key, sessionId: `S${String(n).padStart(21, '0')}`, change: 'first-seen', legacy: false, mechanism: 'HT-SHA-256-NONE', method: 'fast' });
          await publish('gatehouse.client.granted.v1', { ...key, grantId: grantOf(n), authenticatedBy: 'fast' });
        }),
      );
    }
  });
  after(async () => {
    await registry?.stop();
    await stack?.stop();
  });

  it(`is ready within seconds over ${ACCOUNTS} clients, and revokes one it never loaded`, async () => {
    const started = performance.now();
    registry = createClientRegistryService({ nc, ns, domain: 'localhost', logger, retryDelayMs: 100 });
    await registry.start();
    const elapsed = performance.now() - started;
    // A sanity bound only; the figure itself is bench/'s.
    assert.ok(elapsed < 5_000, `started in ${Math.round(elapsed)} ms`);
    const n = 1_234;
    await registry.revoke({ jid: accountOf(n), id: `grant/${grantOf(n)}`, reason: 'revoked-by-admin' });
    const names = namesFor(ns);
    const events = (await readAggregate(nc, names.streams.clients, names.subjects.client(accountOf(n), 'phone'))).events.filter(isClientEvent);
    assert.deepEqual(events.map((event) => event.type), ['gatehouse.client.seen.v1', 'gatehouse.client.granted.v1', 'gatehouse.client.revoked.v1']);
  });
});
