import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureStreams } from '@gatehouse/bus';
import { jetstreamManager } from '@nats-io/jetstream';
import { accountListing } from './account-listing/projection.ts';
import { applyMessage, applyMessages } from './apply.ts';
import { readCheckpoint } from './checkpoint.ts';
import { defineProjection } from './projection.ts';
import { createProjectionsService, type ProjectionsService } from './service.ts';
import { credentials, setupFixture, testLogger, type Fixture } from './test-fixture.ts';

const sequence = async (fixture: Fixture) => (await readCheckpoint(fixture.db, 'account-listing'))?.sequence;

describe('projection runner with account-listing (NATS + PostgreSQL)', () => {
  let fixture: Fixture;
  let service: ProjectionsService;
  const start = async () => {
    service = createProjectionsService({ nc: fixture.nc, db: fixture.db, namespace: fixture.ns, logger: testLogger, retryDelayMs: 100 });
    await service.start();
  };

  before(async () => {
    fixture = await setupFixture();
    await fixture.append('gatehouse.account.created.v1', 'alice@localhost', { jid: 'alice@localhost', credentials }, '2026-11-25T10:00:00.000Z');
    await fixture.append('gatehouse.account.created.v1', 'bob@example.org', { jid: 'bob@example.org', credentials }, '2026-11-25T10:01:00.000Z');
    await fixture.append('gatehouse.account.password-changed.v1', 'alice@localhost', { jid: 'alice@localhost', credentials }, '2026-11-25T10:02:00.000Z');
    await fixture.append('gatehouse.account.created.v1', 'carol@localhost', { jid: 'carol@localhost', credentials }, '2026-11-25T10:03:00.000Z');
    await fixture.append('gatehouse.account.deleted.v1', 'carol@localhost', { jid: 'carol@localhost' }, '2026-11-25T10:04:00.000Z');
    await start();
  });
  after(async () => {
    await service?.stop();
    await fixture?.cleanup();
  });

  it('projects the live accounts, per domain, with the events’ times', async () => {
    assert.deepEqual(await service.listAccounts(), ['alice@localhost', 'bob@example.org']);
    assert.deepEqual(await service.listAccounts('localhost'), ['alice@localhost']);
    assert.deepEqual(await fixture.rows(), [
      { jid: 'alice@localhost', domain: 'localhost', created_at: new Date('2026-11-25T10:00:00Z'), password_changed_at: new Date('2026-11-25T10:02:00Z'), deleted_at: null },
      { jid: 'bob@example.org', domain: 'example.org', created_at: new Date('2026-11-25T10:01:00Z'), password_changed_at: null, deleted_at: null },
      { jid: 'carol@localhost', domain: 'localhost', created_at: new Date('2026-11-25T10:03:00Z'), password_changed_at: null, deleted_at: new Date('2026-11-25T10:04:00Z') },
    ]);
  });

  it('leaves the rows unchanged when every event is delivered again', async () => {
    await service.listAccounts();
    const before = await fixture.rows();
    const checkpoint = (await sequence(fixture)) ?? 0;
    assert.ok(checkpoint > 0);
    const jsm = await jetstreamManager(fixture.nc);
    const stream = { name: fixture.names.streams.accounts, created: (await jsm.streams.info(fixture.names.streams.accounts)).created };
    const stored = [];
    for (let seq = 1; seq <= checkpoint; seq++) stored.push({ stream, seq, data: (await jsm.streams.getMessage(stream.name, { seq }))!.data });
    const outcomes = [];
    for (const message of stored) outcomes.push(await applyMessage(fixture.db, accountListing, message, testLogger));
    assert.deepEqual(outcomes, Array(checkpoint).fill('duplicate'));
    // And as one batch, the way the runner applies a backlog.
    assert.deepEqual(await applyMessages(fixture.db, accountListing, stored, testLogger), Array(checkpoint).fill('duplicate'));
    assert.deepEqual(await fixture.rows(), before);
    assert.equal(await sequence(fixture), checkpoint);
  });

  it('resumes after a restart from its checkpoint', async () => {
    await service.stop();
    await fixture.append('gatehouse.account.created.v1', 'dave@localhost', { jid: 'dave@localhost', credentials });
    await start();
    assert.deepEqual(await service.listAccounts('localhost'), ['alice@localhost', 'dave@localhost']);
  });

  it('rebuilds to identical rows, reporting progress', async () => {
    await service.listAccounts();
    const before = await fixture.rows();
    const progress: string[] = [];
    const result = await service.rebuild('account-listing', ({ applied, total }) => progress.push(`${applied}/${total}`));
    assert.deepEqual(result, { applied: 6, total: 6 });
    assert.deepEqual(progress, ['0/6', '1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    assert.deepEqual(await fixture.rows(), before);
    await fixture.append('gatehouse.account.created.v1', 'erin@localhost', { jid: 'erin@localhost', credentials });
    assert.deepEqual(await service.listAccounts('localhost'), ['alice@localhost', 'dave@localhost', 'erin@localhost']);
  });

  it('skips a malformed message and keeps going', async () => {
    const bad = await fixture.appendRaw('mallory@localhost', new TextEncoder().encode('{"not":"an event"'));
    const good = await fixture.append('gatehouse.account.created.v1', 'frank@localhost', { jid: 'frank@localhost', credentials });
    assert.ok(good > bad);
    assert.ok((await service.listAccounts('localhost')).includes('frank@localhost'));
    assert.equal(await sequence(fixture), good);
  });

  it('reads its own writes: an account appended just before the query is listed', async () => {
    for (const name of ['g1', 'g2', 'g3']) {
      await fixture.append('gatehouse.account.created.v1', `${name}@rw.test`, { jid: `${name}@rw.test`, credentials });
      assert.ok((await service.listAccounts('rw.test')).includes(`${name}@rw.test`));
    }
  });

  it('starts over when the stream was deleted and created again, its sequences restarting at 1', async () => {
    await service.stop();
    const jsm = await jetstreamManager(fixture.nc);
    await jsm.streams.delete(fixture.names.streams.accounts);
    await ensureStreams(fixture.nc, fixture.ns);
    assert.equal(await fixture.append('gatehouse.account.created.v1', 'zoe@localhost', { jid: 'zoe@localhost', credentials }), 1);
    await start();
    assert.deepEqual(await service.listAccounts(), ['zoe@localhost']);
    assert.equal(await sequence(fixture), 1);
  });
});

describe('two replicas of the projections service on one database', () => {
  let fixture: Fixture;
  const replicas: ProjectionsService[] = [];
  after(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await fixture?.cleanup();
  });

  it('both read the whole stream, and each event is applied once', async () => {
    fixture = await setupFixture();
    const applied: string[] = [];
    const counting = defineProjection({
      ...accountListing,
      name: 'account-listing',
      handlers: {
        ...accountListing.handlers,
        'gatehouse.account.created.v1': async (trx, event) => {
          await accountListing.handlers['gatehouse.account.created.v1']!(trx, event);
          applied.push(event.data.jid);
        },
      },
    });
    for (let index = 0; index < 2; index++) {
      const replica = createProjectionsService({ nc: fixture.nc, db: fixture.db, namespace: fixture.ns, logger: testLogger, projections: [counting], retryDelayMs: 100 });
      replicas.push(replica);
      await replica.start();
    }
    const jids = Array.from({ length: 40 }, (_, index) => `r${index}@replicas.test`);
    let last = 0;
    for (const jid of jids) last = await fixture.append('gatehouse.account.created.v1', jid, { jid, credentials });
    for (const replica of replicas) assert.deepEqual(await replica.listAccounts('replicas.test'), [...jids].sort());
    assert.deepEqual([...applied].sort(), [...jids].sort(), 'no event applied by both');
    assert.equal(await sequence(fixture), last);
  });
});

describe('projection runner retries a failing transaction', () => {
  let fixture: Fixture;
  after(() => fixture?.cleanup());

  it('retries after the delay, and keeps stream order', async () => {
    fixture = await setupFixture();
    const seen: string[] = [];
    let failures = 1;
    const flaky = defineProjection({
      name: 'flaky',
      handlers: {
        'gatehouse.account.created.v1': async (trx, event) => {
          await trx.selectFrom('accounts').select('jid').execute();
          if (failures-- > 0) throw new Error('database went away');
          seen.push(event.data.jid);
        },
      },
      reset: async () => {},
    });
    for (const jid of ['a@x.test', 'b@x.test', 'c@x.test']) await fixture.append('gatehouse.account.created.v1', jid, { jid, credentials });
    const service = createProjectionsService({ nc: fixture.nc, db: fixture.db, namespace: fixture.ns, logger: testLogger, projections: [flaky], retryDelayMs: 100 });
    await service.start();
    try {
      const deadline = Date.now() + 5_000;
      while (seen.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(seen, ['a@x.test', 'b@x.test', 'c@x.test']);
      assert.equal((await readCheckpoint(fixture.db, 'flaky'))?.sequence, 3);
    } finally {
      await service.stop();
    }
  });
});
