import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectBus, ensureStreams, readAggregate, request, serviceCaller, ServiceError, type NatsConnection, type ServiceCaller } from '@gatehouse/bus';
import { namesFor, type ScramCredential } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { natsUrl, setupNats, type NatsTestContext } from '@gatehouse/testing';
import { deriveScramCredential } from '@gatehouse/xmpp';
import { createTokenService, type TokenService } from './service.ts';

const logger = createLogger('token-test', process.env.LOG_LEVEL ?? 'silent');

type CredentialsReply = { exists: boolean; credential: ScramCredential };

describe('token service on NATS', { timeout: 60_000 }, () => {
  let context: NatsTestContext;
  let nc: NatsConnection;
  let ns: string;
  const running: TokenService[] = [];

  const start = async (connection: NatsConnection = nc) => {
    const service = createTokenService({ nc: connection, ns, domain: 'localhost', logger });
    await service.start();
    running.push(service);
    return service;
  };
  const stop = async (service: TokenService) => {
    await service.stop();
    running.splice(running.indexOf(service), 1);
  };
  const ask: ServiceCaller<'token'> = (endpoint, payload) => serviceCaller(nc, ns, 'token', { timeoutMs: 5_000 })(endpoint, payload);
  const rejectsWithCode = (promise: Promise<unknown>, code: string) =>
    assert.rejects(promise, (error) => error instanceof ServiceError && error.code === code);

  before(async () => {
    context = await setupNats();
    ({ nc, ns } = context);
    await ensureStreams(nc, ns);
  });

  after(async () => {
    for (const service of [...running]) await service.stop();
    await context.cleanup();
  });

  it('manages an account from creation to deletion', async () => {
    const service = await start();
    assert.deepEqual(await ask('account.create', { jid: 'alice@localhost', password: 'wonderland' }), { jid: 'alice@localhost' });
    assert.deepEqual(await ask('account.exists', { jid: 'alice@localhost' }), { exists: true });

    const { exists, credential } = await ask('auth.credentials', { jid: 'alice@localhost', mechanism: 'SCRAM-SHA-256' });
    assert.equal(exists, true);
    const derived = deriveScramCredential('wonderland', 'SCRAM-SHA-256', { salt: credential.salt, iterations: credential.iterations });
    assert.equal(derived.storedKey, credential.storedKey);
    assert.equal(derived.serverKey, credential.serverKey);

    await rejectsWithCode(ask('account.create', { jid: 'alice@localhost', password: 'again' }), 'account-exists');

    assert.deepEqual(await ask('account.password', { jid: 'alice@localhost', password: 'looking-glass' }), { jid: 'alice@localhost' });
    const changed = await ask('auth.credentials', { jid: 'alice@localhost', mechanism: 'SCRAM-SHA-1' });
    const sha1 = (password: string) => deriveScramCredential(password, 'SCRAM-SHA-1', { salt: changed.credential.salt }).storedKey;
    assert.equal(sha1('looking-glass'), changed.credential.storedKey);
    assert.notEqual(sha1('wonderland'), changed.credential.storedKey);

    await ask('account.create', { jid: 'bob@localhost', password: 'builder' });
    // Listing every account is the account listing's (projections.accounts.list), not this service's.
    assert.deepEqual(await ask('account.exists', { jid: 'bob@localhost' }), { exists: true });

    assert.deepEqual(await ask('account.delete', { jid: 'bob@localhost' }), { jid: 'bob@localhost' });
    assert.deepEqual(await ask('account.exists', { jid: 'bob@localhost' }), { exists: false });
    await rejectsWithCode(ask('account.delete', { jid: 'bob@localhost' }), 'account-not-found');
    await rejectsWithCode(ask('account.password', { jid: 'bob@localhost', password: 'x' }), 'account-not-found');
    assert.deepEqual(await ask('account.exists', { jid: 'alice@localhost' }), { exists: true });

    await rejectsWithCode(ask('account.create', { jid: 'carol@example.org', password: 'x' }), 'host-unknown');
    await rejectsWithCode(ask('account.create', { jid: 'carol@localhost/phone', password: 'x' }), 'jid-malformed');
    await rejectsWithCode(request(nc, `${namesFor(ns).services.token}.account.create`, { jid: 'carol@localhost' }), 'bad-request');
    await stop(service);
  });

  it('stores events without the password', async () => {
    const service = await start();
    await ask('account.create', { jid: 'dave@localhost', password: 'wonderland' });
    await ask('account.password', { jid: 'dave@localhost', password: 'looking-glass' });
    await stop(service);
    const { events } = await readAggregate(nc, namesFor(ns).streams.accounts, namesFor(ns).subjects.account('dave@localhost'));
    assert.deepEqual(
      events.map((event) => event.type),
      ['gatehouse.account.created.v1', 'gatehouse.account.password-changed.v1'],
    );
    assert.doesNotMatch(JSON.stringify(events), /wonderland|looking-glass/);
    assert.ok(events.every((event) => event.source === 'gatehouse/token'));
  });

  it('loads the accounts after a restart, and keeps fake credentials stable', async () => {
    const first = await start();
    await ask('account.create', { jid: 'erin@localhost', password: 'pw' });
    await ask('account.create', { jid: 'frank@localhost', password: 'pw' });
    await ask('account.delete', { jid: 'frank@localhost' });
    assert.deepEqual(await ask('account.exists', { jid: 'erin@localhost' }), { exists: true });
    const fake = await ask('auth.credentials', { jid: 'nobody@localhost', mechanism: 'SCRAM-SHA-256' });
    assert.equal(fake.exists, false);
    assert.deepEqual(await ask('auth.credentials', { jid: 'nobody@localhost', mechanism: 'SCRAM-SHA-256' }), fake);
    const real = await ask('auth.credentials', { jid: 'erin@localhost', mechanism: 'SCRAM-SHA-256' });
    await stop(first);

    const second = await start();
    assert.deepEqual(await ask('account.exists', { jid: 'erin@localhost' }), { exists: true });
    assert.deepEqual(await ask('account.exists', { jid: 'frank@localhost' }), { exists: false });
    assert.deepEqual(await ask('auth.credentials', { jid: 'erin@localhost', mechanism: 'SCRAM-SHA-256' }), real);
    assert.deepEqual(await ask('auth.credentials', { jid: 'nobody@localhost', mechanism: 'SCRAM-SHA-256' }), fake);
    // A JID deleted before the restart can be registered again.
    assert.deepEqual(await ask('account.create', { jid: 'frank@localhost', password: 'again' }), { jid: 'frank@localhost' });
    await stop(second);
  });

  it('publishes access-cut after a password change and a deletion, once the grants and FAST tokens are revoked', async () => {
    const service = await start();
    try {
      const jid = 'cut@localhost';
      const names = namesFor(ns);
      await ask('account.create', { jid, password: 'one' });
      await ask('grant.record', { jid, clientId: 'phone', authenticatedBy: 'password' });
      await ask('fast.issue', { jid, clientId: 'phone', mechanism: 'HT-SHA-256-NONE', authenticatedBy: 'password' });
      await ask('account.password', { jid, password: 'two' });
      await ask('account.delete', { jid });
      const causes = (await readAggregate(nc, names.streams.accounts, names.subjects.account(jid))).events.filter((event) => event.type !== 'gatehouse.account.created.v1');
      const { events: cuts, lastSequence: cutAt } = await readAggregate(nc, names.streams.control, names.subjects.control(jid));
      assert.deepEqual(
        cuts.map((event) => [event.id, event.type, event.data]),
        causes.map((cause) => [
          `access-cut:${cause.id}`,
          'gatehouse.control.access-cut.v1',
          { jid, reason: cause.type === 'gatehouse.account.deleted.v1' ? 'account-deleted' : 'password-changed', cause: { type: cause.type, id: cause.id } },
        ]),
      );
      // The grant and the token were revoked before the first notice was published.
      const tokens = await readAggregate(nc, names.streams.tokens, `${ns}.>`);
      const revokedAt = tokens.events.filter((event) => event.type === 'gatehouse.grant.revoked.v1' || event.type === 'gatehouse.fast-token.invalidated.v1').map((event) => Date.parse(event.time));
      assert.equal(revokedAt.length, 2);
      assert.ok(cutAt > 0 && revokedAt.every((time) => time <= Date.parse(cuts[0]!.time)));
      const used = tokens.events.filter((event) => event.type === 'gatehouse.grant.used.v1');
      assert.deepEqual(used, [], 'grant.used is no longer written (catalog v2)');
    } finally {
      await stop(service);
    }
  });

  it('lets exactly one of two racing replicas create an account', async () => {
    // The second replica has a connection of its own, as a separate process would.
    const secondConnection = await connectBus({ url: natsUrl(), name: 'token-test-2', logger });
    try {
      await start();
      await start(secondConnection);
      const jids = Array.from({ length: 10 }, (_, i) => `racer${i}@localhost`);
      // Two creates per JID at once; the queue group spreads them over both replicas, so
      // most pairs race across replicas and the rest race inside one.
      const outcomes = await Promise.allSettled(
        jids.flatMap((jid) => [1, 2].map((n) => ask('account.create', { jid, password: `pw${n}` }))),
      );
      for (const [index, jid] of jids.entries()) {
        const pair = outcomes.slice(index * 2, index * 2 + 2);
        assert.equal(pair.filter((outcome) => outcome.status === 'fulfilled').length, 1, `${jid}: one create succeeds`);
        const refused = pair.find((outcome) => outcome.status === 'rejected');
        assert.ok(refused?.status === 'rejected' && refused.reason instanceof ServiceError && refused.reason.code === 'account-exists');
        const { events } = await readAggregate(nc, namesFor(ns).streams.accounts, namesFor(ns).subjects.account(jid));
        assert.equal(events.length, 1, `${jid}: one event stored`);
      }
    } finally {
      for (const service of [...running]) await stop(service);
      await secondConnection.close();
    }
  });
});
