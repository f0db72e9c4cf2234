import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEvent, namesFor, parseEvent, type GatehouseEvent } from '@gatehouse/events';
import { seedCredentials } from './credentials.ts';
import { accountCreated, clientLogin, rosterSynced, type SeedContext } from './events.ts';
import { MAX_CONTACTS } from './options.ts';

const ctx: SeedContext = {
  names: namesFor('seedtest'),
  counts: { accounts: 5_000, rosters: 10, contacts: 50, clients: 20 },
  credentials: seedCredentials(),
  time: new Date('2026-12-01T10:00:00Z'),
};

/** What a consumer reads back: encoded, decoded and validated again. */
const roundTrip = (event: GatehouseEvent) => parseEvent(JSON.parse(Buffer.from(encodeEvent(event)).toString()));

describe('seeded events', () => {
  it('account.created on the account subject, with the shared credentials', () => {
    const event = accountCreated(ctx, 42);
    assert.equal(event.type, 'gatehouse.account.created.v1');
    assert.equal(event.subject, ctx.names.subjects.account('seed42@localhost'));
    assert.deepEqual(roundTrip(event), event);
    assert.equal(accountCreated(ctx, 42).id, event.id);
    assert.notEqual(accountCreated(ctx, 43).id, event.id);
  });

  it('a roster is one synced event of C contacts, version C', () => {
    const event = rosterSynced(ctx, 3);
    assert.equal(event.type, 'gatehouse.roster.synced.v1');
    if (event.type !== 'gatehouse.roster.synced.v1') return;
    assert.equal(event.subject, ctx.names.subjects.roster('seed3@localhost'));
    assert.equal(event.data.set.length, 50);
    assert.equal(event.data.version, 50);
    assert.ok(event.data.set.every((item) => item.subscription === 'both' && item.jid !== 'seed3@localhost'));
    assert.deepEqual(roundTrip(event), event);
  });

  it('the largest roster still fits the 512 KiB roster-sync puts in one event', () => {
    const big = rosterSynced({ ...ctx, counts: { ...ctx.counts, contacts: MAX_CONTACTS } }, 1);
    assert.ok(encodeEvent(big).length < 512 * 1024);
  });

  it('a client that logged in once: the five events a first password login stores, about one client', () => {
    const events = clientLogin(ctx, 7);
    assert.deepEqual(
      events.map((e) => e.type),
      ['gatehouse.session.established.v1', 'gatehouse.grant.created.v1', 'gatehouse.client.seen.v1', 'gatehouse.client.granted.v1', 'gatehouse.session.ended.v1'],
    );
    const [established, granted, seen, clientGranted, ended] = events.map(roundTrip) as [GatehouseEvent, GatehouseEvent, GatehouseEvent, GatehouseEvent, GatehouseEvent];
    assert.ok(established.type === 'gatehouse.session.established.v1' && granted.type === 'gatehouse.grant.created.v1');
    assert.ok(seen.type === 'gatehouse.client.seen.v1' && clientGranted.type === 'gatehouse.client.granted.v1' && ended.type === 'gatehouse.session.ended.v1');
    const { clientId, sessionId } = established.data;
    assert.equal(established.data.jid.split('/')[0], 'seed7@localhost');
    assert.equal(granted.subject, ctx.names.subjects.grant('seed7@localhost', clientId));
    assert.equal(seen.subject, ctx.names.subjects.client('seed7@localhost', clientId));
    assert.equal(seen.data.sessionId, sessionId);
    assert.equal(clientGranted.data.grantId, granted.data.grantId);
    assert.equal(ended.subject, established.subject);
    assert.equal(ended.data.jid, established.data.jid);
    assert.ok(ended.time > established.time);
    assert.equal(new Set(events.map((e) => e.id)).size, 5);
    assert.deepEqual(clientLogin(ctx, 7).map((e) => e.id), events.map((e) => e.id));
  });
});
