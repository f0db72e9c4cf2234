import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryEventStore, MemoryEventLog } from '@gatehouse/event-store';
import { createEvent, namesFor } from '@gatehouse/events';
import { registrySource } from '../store/clients.ts';
import { clientAggregate } from './aggregate.ts';
import type { ClientCommand } from './decide.ts';

const names = namesFor('unit');
const key = { jid: 'juliet@capulet.lit', clientId: 'phone' };
const sid = 'AAAAAAAAAAAAAAAAAAAAAA';
const login: ClientCommand = {
  type: 'RecordAuthentication',
  ...key,
  at: '2025-03-01T11:00:00.000Z',
  sessionId: sid,
  legacy: false,
  mechanism: 'PLAIN',
  method: 'password',
};
const grant: ClientCommand = { type: 'RecordGrant', ...key, at: '2025-03-01T11:00:01.000Z', grantId: 'GGGGGGGGGGGGGGGGGGGGGG', authenticatedBy: 'password' };

/** A replica's store of clients; two over one log are two replicas. */
function setup(log = new MemoryEventLog()) {
  const store = createMemoryEventStore(clientAggregate(names), { log, source: registrySource, clock: () => new Date('2025-03-01T12:00:00.000Z'), retryJitterMs: 0 });
  return { log, store, execute: (command: ClientCommand, eventId?: (fact: { type: string }) => string) => store.execute(command, command, eventId ? { eventId } : {}) };
}

describe('client aggregate on the event store', () => {
  it('appends what the decider decides on its own subject and reads its own writes', async () => {
    const { log, store, execute } = setup();
    await execute(login);
    await execute(grant);
    assert.deepEqual(log.stored.map(({ event }) => [event.type, event.subject, event.source]), [
      ['gatehouse.client.seen.v1', names.subjects.client(key.jid, key.clientId), registrySource],
      ['gatehouse.client.granted.v1', names.subjects.client(key.jid, key.clientId), registrySource],
    ]);
    assert.equal(log.loads, 1, 'loaded once, then cached');
    assert.equal((await store.read(key)).state.status, 'known');
  });

  it("believes a known client's routine login changes nothing without reading the stream again (catalog v2)", async () => {
    const { log, execute } = setup();
    await execute(login);
    const loads = log.loads;
    const { events } = await execute({ ...login, sessionId: 'BBBBBBBBBBBBBBBBBBBBBB', at: '2025-03-01T11:30:00.000Z' });
    assert.deepEqual(events, []);
    assert.equal(log.loads, loads);
  });

  it('re-reads the aggregate and decides again when another replica wrote first', async () => {
    const one = setup();
    const other = setup(one.log);
    await one.store.read(key);
    await other.execute(login);
    const { events } = await one.execute(grant);
    assert.equal(events[0]?.event.type, 'gatehouse.client.granted.v1');
    assert.deepEqual(one.log.stored.map(({ sequence }) => sequence), [1, 2]);
  });

  it('confirms "nothing to do" against the stream before believing it', async () => {
    const one = setup();
    await one.store.read(key);
    const subject = names.subjects.client(key.jid, key.clientId);
    one.log.stored.push({
      event: createEvent('gatehouse.client.authenticated.v1', { subject, source: registrySource, time: '2025-03-01T11:00:00.000Z', data: { ...key, sessionId: sid, legacy: false, mechanism: 'PLAIN', method: 'password' } }),
      sequence: 1,
    });
    const loads = one.log.loads;
    const { events, sequence } = await one.execute({ type: 'RecordFastToken', ...key, at: login.at, tokenId: 'TTTTTTTTTTTTTTTTTTTTTT', expiresAt: '2025-03-20T00:00:00.000Z' });
    assert.equal(events.length, 1, 'the stale cache knew no client; the stream does');
    assert.equal(one.log.loads - loads, 1);
    assert.equal(sequence, 2);
  });

  it('stores a fact once when its event id repeats (a redelivered source event)', async () => {
    const one = setup();
    await one.execute(login, (fact) => `source-1:${fact.type}`);
    const again = setup(one.log);
    await again.execute(login, (fact) => `source-1:${fact.type}`);
    assert.equal(one.log.stored.length, 1);
    assert.equal((await again.store.read(key)).state.status, 'known');
  });

  it('passes a refusal on once it is confirmed', async () => {
    const { log, store, execute } = setup();
    await store.read(key);
    await assert.rejects(execute({ type: 'RevokeClient', ...key, reason: 'revoked-by-user' }), { code: 'item-not-found' });
    assert.equal(log.loads, 2, 'decided again on a fresh load');
  });
});
