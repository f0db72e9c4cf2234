import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { namesFor } from '@gatehouse/events';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { call, callAll, catalogEndpoints, InvalidReplyError, request, ServiceError, startService, type RunningService } from './index.ts';
import { recordingLogger } from './test-logger.ts';

describe('catalog endpoints over the bus', () => {
  let ctx: NatsTestContext;
  const services: RunningService[] = [];
  const log = recordingLogger();

  before(async () => {
    ctx = await setupNats();
    const names = namesFor(ctx.ns);
    services.push(
      await startService(
        ctx.nc,
        { name: `token_${ctx.ns}`, version: '1.0.0', description: 'catalog test', group: names.services.token },
        catalogEndpoints('token', {
          'account.exists': async ({ jid }) => ({ exists: jid === 'alice@localhost' }),
        }),
        log.logger,
      ),
      await startService(
        ctx.nc,
        { name: `projections_listing_${ctx.ns}`, version: '1.0.0', description: 'catalog test', group: names.services.projections },
        catalogEndpoints('projections', {
          'accounts.list': async (listing) => (listing?.cursor === undefined ? { items: ['a@localhost'], next: 'a@localhost' } : { items: ['b@localhost'] }),
        }),
        log.logger,
      ),
      // A service that answers what the catalog does not allow: an older or broken replica.
      await startService(
        ctx.nc,
        { name: `projections_${ctx.ns}`, version: '1.0.0', description: 'catalog test', group: names.services.projections },
        { 'clients.list': async () => ({ items: [{ id: 'client/x' }] }) },
        log.logger,
      ),
    );
  });
  after(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await ctx.cleanup();
  });

  it('answers a typed call on the subject the services API serves', async () => {
    assert.deepEqual(await call(ctx.nc, ctx.ns, 'token.account.exists', { jid: 'alice@localhost' }), { exists: true });
    assert.deepEqual(await request(ctx.nc, `${namesFor(ctx.ns).services.token}.account.exists`, { jid: 'bob@localhost' }), { exists: false });
    assert.deepEqual(await callAll(ctx.nc, ctx.ns, 'projections.accounts.list', {}), { items: ['a@localhost', 'b@localhost'] });
  });

  it('answers a malformed request with bad-request, naming the field', async () => {
    await assert.rejects(request(ctx.nc, `${namesFor(ctx.ns).services.token}.account.exists`, { jid: 42 }), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.equal(error.code, 'bad-request');
      assert.match(error.message, /^jid: /);
      return true;
    });
  });

  it('rejects a reply the catalog does not allow with invalid-reply, not a cast', async () => {
    await assert.rejects(call(ctx.nc, ctx.ns, 'projections.clients.list', { jid: 'alice@localhost' }), (error: unknown) => {
      assert.ok(error instanceof InvalidReplyError);
      assert.equal(error.code, 'invalid-reply');
      assert.match(error.message, /\.projections\.clients\.list replied with a result the catalog does not allow: items\.0\.clientId: /);
      return true;
    });
  });
});
