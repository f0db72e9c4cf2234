import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { namesFor } from '@gatehouse/events';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { legacyClientIds, legacyClientKey, newLegacyClientId, openKv, type KV } from './index.ts';

describe('legacy client ids', () => {
  let ctx: NatsTestContext;
  let kv: KV;
  before(async () => {
    ctx = await setupNats();
    kv = await openKv(ctx.nc, namesFor(ctx.ns).buckets.legacyClients);
  });
  after(() => ctx.cleanup());

  it('makes 12 base64url characters', () => {
    assert.match(newLegacyClientId(), /^[A-Za-z0-9_-]{12}$/);
  });

  it("keys a full JID by its SHA-256 in base64url, as client-registry has written them", () => {
    // sha256("juliet@capulet.lit/balcony"), computed apart from the code under test.
    const hex = '4dff99b12c1ae455e1ee36b7b9e9a5f67c1a1a741270bd4f57f154a52fa889ac';
    assert.equal(legacyClientKey('juliet@capulet.lit/balcony'), Buffer.from(hex, 'hex').toString('base64url'));
    assert.match(legacyClientKey(`a@b/${'r'.repeat(1023)}`), /^[A-Za-z0-9_-]{43}$/);
  });

  it('finds an id stored before (a plain string under the hashed key)', async () => {
    await kv.put(legacyClientKey('old@localhost/desk'), 'Xy12-ab_CdEf');
    const ids = legacyClientIds(kv);
    assert.equal(await ids.find('old@localhost/desk'), 'Xy12-ab_CdEf');
    assert.equal(await ids.idFor('old@localhost/desk'), 'Xy12-ab_CdEf');
  });

  it('names a full JID once and keeps the name', async () => {
    let n = 0;
    const ids = legacyClientIds(kv, () => `id${++n}`);
    assert.equal(await ids.find('new@localhost/r'), undefined);
    assert.equal(await ids.idFor('new@localhost/r'), 'id1');
    assert.equal(await ids.idFor('new@localhost/r'), 'id1');
    assert.equal((await kv.get(legacyClientKey('new@localhost/r')))?.string(), 'id1');
  });

  it('lets one of several racing writers name the client, and all agree', async () => {
    const racers = ['a', 'b', 'c', 'd'].map((name) => legacyClientIds(kv, () => name));
    const names = await Promise.all(racers.map((ids) => ids.idFor('race@localhost/r')));
    assert.equal(new Set(names).size, 1);
    assert.equal((await kv.get(legacyClientKey('race@localhost/r')))?.string(), names[0]);
  });
});
