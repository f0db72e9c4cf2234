import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientFact } from '../client/client.ts';
import { derivedEventId } from './event-id.ts';
import { KeyedLock } from './keyed-lock.ts';

describe('derivedEventId', () => {
  const fact = (clientId: string, type: ClientFact['type'] = 'gatehouse.client.password-changed.v1') =>
    ({ type, time: '2025-03-01T00:00:00.000Z', data: { jid: 'a@b', clientId } }) as ClientFact;
  it('is stable per source event, client and type, and UUID-shaped', () => {
    assert.equal(derivedEventId('e1', fact('x')), derivedEventId('e1', fact('x')));
    assert.match(derivedEventId('e1', fact('x')), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const ids = new Set([derivedEventId('e1', fact('x')), derivedEventId('e2', fact('x')), derivedEventId('e1', fact('y')), derivedEventId('e1', fact('x', 'gatehouse.client.forgotten.v1'))]);
    assert.equal(ids.size, 4);
  });
});

describe('KeyedLock', () => {
  it('runs tasks of one key in turn, and of other keys at once; a failure does not block the next', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = lock.run('a', async () => {
      await gate;
      order.push('a1');
      throw new Error('boom');
    });
    const second = lock.run('a', async () => void order.push('a2'));
    await lock.run('b', async () => void order.push('b1'));
    release();
    await assert.rejects(first, /boom/);
    await second;
    assert.deepEqual(order, ['b1', 'a1', 'a2']);
  });
});
