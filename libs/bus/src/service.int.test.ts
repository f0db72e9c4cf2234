import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { namesFor } from '@gatehouse/events';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { request, ServiceError, ServiceUnavailableError, startService } from './index.ts';
import { recordingLogger } from './test-logger.ts';

class AccountExistsError extends Error {
  readonly code = 'account-exists';
}

describe('startService and request', () => {
  let ctx: NatsTestContext;
  let group: string;
  // Other test runs may serve a 'token' on the shared server: $SRV.*.<name> must reach ours.
  let name: string;
  let stop: () => Promise<void>;
  const log = recordingLogger();
  before(async () => {
    ctx = await setupNats();
    group = namesFor(ctx.ns).services.token;
    name = `token_${ctx.ns}`;
    const service = await startService(
      ctx.nc,
      { name, version: '1.2.3', description: 'accounts and tokens', group },
      {
        'account.exists': async (payload) => ({ echo: payload }),
        'account.create': async () => {
          throw new AccountExistsError('juliet@capulet.lit exists');
        },
        'account.crash': async () => {
          throw new TypeError('secret internals');
        },
        'account.slow': async () => {
          await sleep(1_000);
          return 'late';
        },
        'account.nothing': async () => undefined,
        // Above NATS's default max_payload of 1 MiB.
        'account.huge': async () => 'x'.repeat(2 * 1024 * 1024),
      },
      log.logger,
    );
    stop = service.stop;
  });
  after(async () => {
    await stop();
    await ctx.cleanup();
  });

  it('answers on <group>.<endpoint> with the result', async () => {
    assert.deepEqual(await request(ctx.nc, `${group}.account.exists`, { jid: 'a@b.c' }), { echo: { jid: 'a@b.c' } });
    assert.equal(await request(ctx.nc, `${group}.account.nothing`, undefined), undefined);
  });

  it("maps a coded error to { ok: false } with that code and message", async () => {
    await assert.rejects(
      request(ctx.nc, `${group}.account.create`, {}),
      (error: unknown) =>
        error instanceof ServiceError &&
        !(error instanceof ServiceUnavailableError) &&
        error.code === 'account-exists' &&
        error.message === 'juliet@capulet.lit exists',
    );
  });

  it('hides any other error as internal, and logs it', async () => {
    await assert.rejects(
      request(ctx.nc, `${group}.account.crash`, {}),
      (error: unknown) => error instanceof ServiceError && error.code === 'internal' && error.message === 'internal error',
    );
    assert.ok(log.entries.some((e) => e.msg === 'endpoint failed' && e.endpoint === 'account.crash' && e.level === 50));
  });

  it('answers reply-too-large, and logs it, when the result exceeds max_payload; the service keeps serving', async () => {
    await assert.rejects(
      request(ctx.nc, `${group}.account.huge`, {}),
      (error: unknown) => error instanceof ServiceError && error.code === 'reply-too-large',
    );
    assert.ok(log.entries.some((e) => e.msg.startsWith('reply too large') && e.endpoint === 'account.huge' && e.level === 50));
    assert.deepEqual(await request(ctx.nc, `${group}.account.exists`, 1), { echo: 1 });
  });

  it('answers bad-request to a body that is not JSON', async () => {
    const reply = await ctx.nc.request(`${group}.account.exists`, '{oops', { timeout: 2_000 });
    assert.deepEqual(reply.json(), { ok: false, error: { code: 'bad-request', message: 'request body is not JSON' } });
  });

  it('throws ServiceUnavailableError when nothing listens or nothing answers in time', async () => {
    await assert.rejects(
      request(ctx.nc, `${group}.account.missing`, {}),
      (error: unknown) => error instanceof ServiceUnavailableError && error.code === 'unavailable',
    );
    await assert.rejects(request(ctx.nc, `${group}.account.slow`, {}, { timeoutMs: 100 }), ServiceUnavailableError);
  });

  it('answers $SRV.PING, $SRV.INFO and $SRV.STATS', async () => {
    const ping = (await ctx.nc.request(`$SRV.PING.${name}`, '', { timeout: 2_000 })).json<{ name: string; version: string }>();
    assert.equal(ping.name, name);
    assert.equal(ping.version, '1.2.3');
    const info = (await ctx.nc.request(`$SRV.INFO.${name}`, '', { timeout: 2_000 })).json<{
      description: string;
      endpoints: { name: string; subject: string; queue_group: string }[];
    }>();
    assert.equal(info.description, 'accounts and tokens');
    const create = info.endpoints.find((e) => e.subject === `${group}.account.create`);
    assert.equal(create?.name, 'account-create');
    assert.equal(create?.queue_group, 'q');
    const stats = (await ctx.nc.request(`$SRV.STATS.${name}`, '', { timeout: 2_000 })).json<{
      endpoints: { name: string; num_requests: number }[];
    }>();
    assert.ok((stats.endpoints.find((e) => e.name === 'account-exists')?.num_requests ?? 0) >= 1);
  });

  it('shares requests between replicas of a service (queue group)', async () => {
    const second = await startService(
      ctx.nc,
      { name, version: '1.2.3', description: 'replica', group },
      { 'account.exists': async () => 'replica' },
      log.logger,
    );
    try {
      const answers = new Set<unknown>();
      for (let i = 0; i < 40 && answers.size < 2; i += 1) {
        answers.add(JSON.stringify(await request(ctx.nc, `${group}.account.exists`, 1)));
      }
      assert.equal(answers.size, 2);
    } finally {
      await second.stop();
    }
  });
});
