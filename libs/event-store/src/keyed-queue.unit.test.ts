import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedQueue } from './keyed-queue.ts';

describe('KeyedQueue', () => {
  it('runs tasks of one key in turn, and of other keys at once; a failure does not block the next', async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run('a', async () => {
      await gate;
      order.push('a1');
      throw new Error('boom');
    });
    const second = queue.run('a', async () => void order.push('a2'));
    await queue.run('b', async () => void order.push('b1'));
    release();
    await assert.rejects(first, /boom/);
    await second;
    assert.deepEqual(order, ['b1', 'a1', 'a2']);
  });
});
