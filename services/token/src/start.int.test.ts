import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appendEvent, ensureStreams, serviceCaller, type NatsConnection } from '@gatehouse/bus';
import { createEvent, namesFor } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { setupNats, type NatsTestContext } from '@gatehouse/testing';
import { deriveScramCredential } from '@gatehouse/xmpp';
import { tokenSource } from './aggregates.ts';
import { createTokenService } from './service.ts';

const logger = createLogger('token-test', process.env.LOG_LEVEL ?? 'silent');
const ACCOUNTS = 3_000;

describe('token service start with a long history', { timeout: 120_000 }, () => {
  let context: NatsTestContext;
  let nc: NatsConnection;
  let ns: string;
  const jids = Array.from({ length: ACCOUNTS }, (_, i) => `seeded${i}@localhost`);
  const credentials = {
    'SCRAM-SHA-1': deriveScramCredential('pw', 'SCRAM-SHA-1', { iterations: 4096 }),
    'SCRAM-SHA-256': deriveScramCredential('pw', 'SCRAM-SHA-256', { iterations: 4096 }),
  };

  before(async () => {
    context = await setupNats();
    ({ nc, ns } = context);
    await ensureStreams(nc, ns);
    // Straight onto the stream, as years of registrations would have left it.
    const names = namesFor(ns);
    for (let i = 0; i < jids.length; i += 200) {
      await Promise.all(
        jids.slice(i, i + 200).map((jid) => appendEvent(nc, createEvent('gatehouse.account.created.v1', { subject: names.subjects.account(jid), source: tokenSource, data: { jid, credentials } }))),
      );
    }
  });

  after(async () => {
    await context.cleanup();
  });

  it('is ready without replaying the accounts, and answers for one it never loaded', async () => {
    const service = createTokenService({ nc, ns, domain: 'localhost', logger });
    const started = performance.now();
    await service.start();
    const startMs = performance.now() - started;
    try {
      // A sanity bound only, generous for a busy machine: the figure itself is a bench's.
      assert.ok(startMs < 5_000, `ready in ${Math.round(startMs)} ms`);
      const ask = serviceCaller(nc, ns, 'token', { timeoutMs: 5_000 });
      const jid = jids[ACCOUNTS - 1]!;
      const reply = await ask('auth.credentials', { jid, mechanism: 'SCRAM-SHA-256' });
      assert.deepEqual(reply, { exists: true, credential: credentials['SCRAM-SHA-256'] });
      assert.deepEqual(await ask('account.exists', { jid: jids[0]! }), { exists: true });
      assert.deepEqual(await ask('account.exists', { jid: 'never@localhost' }), { exists: false });
    } finally {
      await service.stop();
    }
  });
});
