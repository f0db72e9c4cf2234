import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouteTable } from './route-table.ts';

const route = (fullJid: string, priority: number, available: boolean, replica = 'gw0') => ({ fullJid, replica, sessionId: fullJid, priority, available });

describe('RouteTable (RFC 6121 §8.5 choices)', () => {
  it('delivers bare-JID messages to the highest-priority available resources only', () => {
    const table = new RouteTable();
    table.put(route('a@x/1', 5, true), 1);
    table.put(route('a@x/2', 5, true, 'gw1'), 2);
    table.put(route('a@x/3', 1, true), 3);
    table.put(route('a@x/4', 9, false), 4);
    table.put(route('a@x/5', -1, true), 5);
    assert.deepEqual(table.highestPriority('a@x').map((r) => r.resource).sort(), ['1', '2']);
    assert.deepEqual(table.deliverable('a@x').map((r) => r.resource).sort(), ['1', '2', '3']);
    assert.deepEqual(table.highestPriority('nobody@x'), []);
  });

  it('ignores an older revision arriving after a newer one', () => {
    const table = new RouteTable();
    table.put(route('a@x/1', 0, true, 'gw1'), 7);
    table.put(route('a@x/1', 0, false, 'gw0'), 3);
    assert.equal(table.get('a@x/1')?.replica, 'gw1');
    table.remove('a@x/1', 5);
    assert.ok(table.get('a@x/1'), 'a stale delete does not remove a newer route');
    table.remove('a@x/1', 8);
    assert.equal(table.get('a@x/1'), undefined);
    assert.equal(table.size, 0);
  });

  it('lists routes and replicas for dead-replica cleanup', () => {
    const table = new RouteTable();
    table.put(route('a@x/1', 0, true, 'gw0'), 1);
    table.put(route('b@x/1', 0, true, 'gw1'), 2);
    assert.deepEqual([...table.replicas()].sort(), ['gw0', 'gw1']);
    assert.deepEqual(table.routesOfReplica('gw1').map((r) => r.fullJid), ['b@x/1']);
  });

  it('keeps resources containing slashes intact', () => {
    const table = new RouteTable();
    table.put(route('a@x/home/desk', 0, true), 1);
    assert.equal(table.get('a@x/home/desk')?.resource, 'home/desk');
  });
});
