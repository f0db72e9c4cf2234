import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { z } from 'zod';
import { pageBudget, pageOf, PageExpiredError, requestAll, startService } from './index.ts';
import { recordingLogger } from './test-logger.ts';

const listPage = z.object({ version: z.number(), items: z.array(z.string()), next: z.string().optional() });
const parse = (reply: unknown) => listPage.parse(reply);

describe('paged endpoints', () => {
  let ctx: NatsTestContext;
  let stop: () => Promise<void>;
  const log = recordingLogger();
  // 40 items of 64 KiB: 2.5 MiB, far beyond any one message.
  const items = Array.from({ length: 40 }, (_, i) => `${i}:`.padEnd(64 * 1024, 'x'));
  let version = 1;
  let expireOnce = false;

  before(async () => {
    ctx = await setupNats();
    const service = await startService(
      ctx.nc,
      { name: `paging_${ctx.ns}`, version: '1.0.0', description: 'paging test', group: `${ctx.ns}.paging` },
      {
        list: async (payload) => {
          const { cursor } = payload as { cursor?: string };
          if (expireOnce && cursor !== undefined) {
            expireOnce = false;
            version += 1;
            throw new PageExpiredError();
          }
          return { version, ...pageOf(items, { version, cursor, budget: pageBudget(ctx.nc) }) };
        },
      },
      log.logger,
    );
    stop = service.stop;
  });
  after(async () => {
    await stop();
    await ctx.cleanup();
  });

  it('delivers a list larger than max_payload completely, page by page', async () => {
    assert.ok(items.length * 64 * 1024 > ctx.nc.info!.max_payload);
    const all = await requestAll(ctx.nc, `${ctx.ns}.paging.list`, {}, parse);
    assert.deepEqual(all.items, items);
    assert.equal(all.version, version);
    assert.equal('next' in all, false);
  });

  it('starts again from the first page when the list changed in between', async () => {
    expireOnce = true;
    const all = await requestAll(ctx.nc, `${ctx.ns}.paging.list`, {}, parse);
    assert.deepEqual(all.items, items);
    assert.equal(all.version, version);
  });
});
