import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { headers } from '@nats-io/transport-node';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { NoRespondersError, RequestTimeoutError, requestReply } from './index.ts';

describe('requestReply', () => {
  let ctx: NatsTestContext;
  before(async () => {
    ctx = await setupNats();
  });
  after(() => ctx.cleanup());

  it('resolves each request with its own reply, headers passed through', async () => {
    const subject = `${ctx.ns}.echo`;
    ctx.nc.subscribe(subject, { callback: (_error, message) => void message.respond(`${message.headers?.get('Tag') ?? ''}:${message.string()}`) });
    await ctx.nc.flush();
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, index) => {
        const tagged = headers();
        tagged.set('Tag', `t${index}`);
        return requestReply(ctx.nc, subject, `m${index}`, { timeoutMs: 2_000, headers: tagged });
      }),
    );
    assert.deepEqual(
      replies.map((reply) => reply.string()),
      Array.from({ length: 50 }, (_, index) => `t${index}:m${index}`),
    );
  });

  it('fails at once with NoRespondersError when nobody subscribes', async () => {
    const started = Date.now();
    await assert.rejects(requestReply(ctx.nc, `${ctx.ns}.nobody`, 'x', { timeoutMs: 5_000 }), NoRespondersError);
    assert.ok(Date.now() - started < 2_000);
  });

  it('fails with RequestTimeoutError when a subscriber never answers', async () => {
    const subject = `${ctx.ns}.silent`;
    ctx.nc.subscribe(subject, { callback: () => {} });
    await ctx.nc.flush();
    await assert.rejects(requestReply(ctx.nc, subject, 'x', { timeoutMs: 100 }), RequestTimeoutError);
  });
});
