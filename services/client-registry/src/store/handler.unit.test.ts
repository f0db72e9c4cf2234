import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientCommand } from '../client/decide.ts';
import { ClientView } from './client-view.ts';
import { createClientHandler } from './handler.ts';
import { MemoryClientStream } from './memory-client-stream.ts';

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

function setup() {
  const stream = new MemoryClientStream();
  const view = new ClientView();
  const execute = createClientHandler({ view, stream, clock: () => new Date('2025-03-01T12:00:00.000Z') });
  return { stream, view, execute };
}

describe('client handler', () => {
  it('appends what the decider decides and reads its own writes', async () => {
    const { stream, view, execute } = setup();
    await execute(login);
    await execute(grant);
    assert.equal(stream.stored.length, 2);
    assert.deepEqual(view.clientsOf(key.jid), ['phone']);
    assert.ok(view.get(key).state.status === 'known');
  });

  it("believes a known client's routine login changes nothing without reading the stream again (catalog v2)", async () => {
    const { stream, execute } = setup();
    await execute(login);
    const { facts } = await execute({ ...login, sessionId: 'BBBBBBBBBBBBBBBBBBBBBB', at: '2025-03-01T11:30:00.000Z' });
    assert.deepEqual(facts, []);
    assert.equal(stream.loads, 0);
  });

  it('re-reads the aggregate and decides again when another replica wrote first', async () => {
    const { stream, execute } = setup();
    const other = setup();
    other.stream.stored.push(...stream.stored);
    await other.execute(login);
    stream.stored.push(...other.stream.stored);
    const { facts } = await execute(grant);
    assert.equal(facts[0]?.type, 'gatehouse.client.granted.v1');
    assert.equal(stream.loads, 1);
    assert.deepEqual(stream.stored.map((entry) => entry.sequence), [1, 2]);
  });

  it('confirms "nothing to do" against the stream before believing it', async () => {
    const { stream, view, execute } = setup();
    stream.stored.push({ fact: { type: 'gatehouse.client.authenticated.v1', time: login.at, data: { ...key, sessionId: sid, legacy: false, mechanism: 'PLAIN', method: 'password' } }, sequence: 1 });
    const { facts } = await execute({ type: 'RecordFastToken', ...key, at: login.at, tokenId: 'TTTTTTTTTTTTTTTTTTTTTT', expiresAt: '2025-03-20T00:00:00.000Z' });
    assert.equal(facts.length, 1, 'the lagging view knew no client; the stream does');
    assert.equal(stream.loads, 1);
    assert.equal(view.get(key).sequence, 2);
  });

  it('stores a fact once when its event id repeats (a redelivered source event)', async () => {
    const { stream, execute } = setup();
    await execute(login, { eventId: (fact) => `source-1:${fact.type}` });
    const again = setup();
    again.stream.stored.push(...stream.stored);
    await again.execute(login, { eventId: (fact) => `source-1:${fact.type}` });
    assert.equal(again.stream.stored.length, 1);
    assert.equal(again.view.get(key).state.status, 'known');
  });

  it('passes a refusal on once it is confirmed', async () => {
    const { stream, execute } = setup();
    await assert.rejects(execute({ type: 'RevokeClient', ...key, reason: 'revoked-by-user' }), { code: 'item-not-found' });
    assert.equal(stream.loads, 1);
  });
});
