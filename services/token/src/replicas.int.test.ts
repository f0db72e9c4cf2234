import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { connectBus, ensureStreams, readAggregate, serviceCaller, ServiceError, type NatsConnection, type ServiceCaller } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { natsUrl, setupNats, type NatsTestContext } from '@gatehouse/testing';
import { createAccess, revokeClient } from './access.ts';
import { deriveCredentials } from './credentials.ts';
import { createTokenService, type TokenService } from './service.ts';
import { loadSharedSecret } from './shared-secret.ts';
import { natsTokenStores } from './stores.ts';

const logger = createLogger('token-test', process.env.LOG_LEVEL ?? 'silent');
const NONE = 'HT-SHA-256-NONE' as const;
const proof = (token: string) => createHmac('sha256', token).update('Initiator').digest('base64');

/** Asks until `check` holds of the answer, for at most `ms`: what another replica wrote reaches this one through its follower. */
async function eventually<T>(ask: () => Promise<T>, check: (answer: T) => boolean, ms = 3_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await ask();
    if (check(answer) || Date.now() > deadline) return answer;
    await sleep(20);
  }
}

describe('two token replicas on NATS', { timeout: 90_000 }, () => {
  let context: NatsTestContext;
  let nc: NatsConnection;
  let other: NatsConnection;
  let ns: string;
  const running: TokenService[] = [];

  const start = async (connection: NatsConnection) => {
    const service = createTokenService({ nc: connection, ns, domain: 'localhost', logger, iterations: 4096 });
    await service.start();
    running.push(service);
    return service;
  };
  const ask: ServiceCaller<'token'> = (endpoint, payload) => serviceCaller(nc, ns, 'token', { timeoutMs: 10_000 })(endpoint, payload);
  const types = async (subject: string) => (await readAggregate(nc, namesFor(ns).streams.tokens, subject)).events.map((event) => event.type);

  before(async () => {
    context = await setupNats();
    ({ nc, ns } = context);
    other = await connectBus({ url: natsUrl(), name: 'token-test-replica-b', logger });
    await ensureStreams(nc, ns);
  });

  after(async () => {
    for (const service of running.splice(0)) await service.stop();
    await other.close();
    await context.cleanup();
  });

  it('race on the same grants and FAST tokens: each stored exactly once, none lost', async () => {
    const [a, b] = await Promise.all([start(nc), start(other)]);
    try {
      const jid = 'racer@localhost';
      const names = namesFor(ns);
      await ask('account.create', { jid, password: 'pw' });
      const clients = Array.from({ length: 12 }, (_, i) => `client-${i}`);
      // Two logins per client at once: the queue group spreads them over both replicas.
      const recorded = await Promise.all(clients.flatMap((clientId) => [1, 2].map(() => ask('grant.record', { jid, clientId, authenticatedBy: 'password' }))));
      for (const [i, clientId] of clients.entries()) {
        const [first, second] = [recorded[2 * i]!, recorded[2 * i + 1]!];
        assert.equal(first.grantId, second.grantId, `${clientId}: both logins name the one grant`);
        assert.equal([first, second].filter((reply) => reply.created).length, 1, `${clientId}: one of them created it`);
        assert.deepEqual(await types(names.subjects.grant(jid, clientId)), ['gatehouse.grant.created.v1'], `${clientId}: one grant stored`);
      }
      // Two tokens per client at once: one is issued, the other rotated in beside it, whichever replica wins.
      const issued = await Promise.all(clients.flatMap((clientId) => [1, 2].map(() => ask('fast.issue', { jid, clientId, mechanism: NONE, authenticatedBy: 'password' }))));
      for (const clientId of clients) {
        assert.deepEqual((await types(names.subjects.fastToken(jid, clientId))).sort(), ['gatehouse.fast-token.issued.v1', 'gatehouse.fast-token.rotated.v1'], `${clientId}: two tokens stored`);
      }
      const listed = (await ask('grant.list', { jid })).grants;
      assert.deepEqual(listed.map((grant) => grant.clientId).sort(), [...clients].sort());
      assert.ok(listed.every((grant) => grant.fastTokens.length === 2), 'each grant lists its two tokens');
      // Either token (current or next) logs in, on whichever replica answers.
      for (const [i, clientId] of clients.entries()) {
        await ask('fast.verify', { jid, clientId, mechanism: NONE, initiatorProof: proof(issued[2 * i]!.token) });
      }
    } finally {
      for (const service of [a, b]) await service.stop();
      running.splice(0);
    }
  });

  it('a password change, a revoked grant and a deletion written elsewhere reach this replica at once', async () => {
    const service = await start(nc);
    try {
      const jid = 'moving@localhost';
      await ask('account.create', { jid, password: 'old' });
      const credential = async () => (await ask('auth.credentials', { jid, mechanism: 'SCRAM-SHA-256' })).credential;
      const before = await credential();
      const { token } = await ask('fast.issue', { jid, clientId: 'phone', mechanism: NONE, authenticatedBy: 'password' });
      await ask('fast.verify', { jid, clientId: 'phone', mechanism: NONE, initiatorProof: proof(token) });

      // Another replica, over a connection of its own: its writes reach this one only through the stream.
      const clock = () => new Date();
      const stores = await natsTokenStores(other, ns, { clock, logger, cacheBytes: 1024 * 1024 });
      const tokenKey = await loadSharedSecret(other, ns, 'fast-token-key');
      const elsewhere = createAccess(stores, { ns, domain: 'localhost', tokenKey, clock, lifetimeMs: 86_400_000, rotateAfterMs: 86_400_000, maxClientsPerAccount: 64 });

      await revokeClient(elsewhere, { jid, clientId: 'phone' }, 'revoked-by-user');
      const verify = () =>
        ask('fast.verify', { jid, clientId: 'phone', mechanism: NONE, initiatorProof: proof(token) }).then(
          () => 'accepted',
          (error: unknown) => (error instanceof ServiceError ? error.code : 'failed'),
        );
      assert.equal(await eventually(verify, (answer) => answer !== 'accepted'), 'credentials-expired', 'a token revoked elsewhere stops working here');

      await elsewhere.accounts.execute(jid, { type: 'ChangePassword', jid, credentials: deriveCredentials('new', 4096) });
      const changed = await eventually(credential, (answer) => answer.storedKey !== before.storedKey);
      assert.notEqual(changed.storedKey, before.storedKey, 'the old password no longer verifies here');

      await elsewhere.accounts.execute(jid, { type: 'DeleteAccount', jid });
      const exists = () => ask('account.exists', { jid });
      assert.deepEqual(await eventually(exists, (answer) => !answer.exists), { exists: false });
    } finally {
      await service.stop();
      running.splice(0);
    }
  });
});
