import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureStreams, managerOf } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { seedCredentials } from './credentials.ts';
import { accountCreated, type SeedContext } from './events.ts';
import { publishAll, SeedTimeoutError } from './publisher.ts';

describe('publishAll', { timeout: 60_000 }, () => {
  let nats: NatsTestContext;
  let ctx: SeedContext;
  before(async () => {
    nats = await setupNats();
    await ensureStreams(nats.nc, nats.ns);
    ctx = { names: namesFor(nats.ns), counts: { accounts: 300, rosters: 0, contacts: 0, clients: 0 }, credentials: seedCredentials(), time: new Date() };
  });
  after(() => nats.cleanup());

  const accounts = () => Array.from({ length: 300 }, (_, i) => accountCreated(ctx, i));
  const stored = async () => (await (await managerOf(nats.nc)).streams.info(ctx.names.streams.accounts)).state.messages;

  it('stores every event once, many in flight, and a second pass of the same events only finds duplicates', async () => {
    const first = await publishAll(nats.nc, accounts(), { window: 50, deadline: performance.now() + 30_000 });
    assert.equal(first.stored, 300);
    assert.equal(first.duplicates, 0);
    assert.deepEqual(first.byType, { 'gatehouse.account.created.v1': 300 });
    assert.equal(await stored(), 300);
    const again = await publishAll(nats.nc, accounts(), { window: 50, deadline: performance.now() + 30_000 });
    assert.equal(again.duplicates, 300);
    assert.equal(await stored(), 300);
  });

  it('stops at its deadline', async () => {
    await assert.rejects(publishAll(nats.nc, accounts(), { window: 10, deadline: performance.now() - 1 }), SeedTimeoutError);
  });
});
