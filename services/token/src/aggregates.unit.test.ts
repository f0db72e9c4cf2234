import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryEventStore, MemoryEventLog, type AggregateDefinition } from '@gatehouse/event-store';
import type { GatehouseEvent, ScramCredentials } from '@gatehouse/events';
import { AccountExistsError, AccountNotFoundError } from './account/decide.ts';
import { accountAggregate, fastTokenAggregate, grantAggregate } from './aggregates.ts';
import { GrantNotFoundError, type GrantCommand } from './grant/decide.ts';
import { FastNotAuthorizedError } from './fast/errors.ts';

/*
 * What the service's definitions tell @gatehouse/event-store (whose own tests cover the
 * append, retry and cache machinery): which answers decided on a cached state are
 * decided again on the stored one. Two stores over one log are two replicas.
 */

const ns = 'unit';
const jid = 'alice@localhost';
const key = { jid, clientId: 'phone' };
const now = new Date('2025-03-01T00:00:00.000Z');
const credential = { salt: 'AAAA', iterations: 4096, storedKey: 'AAAA', serverKey: 'AAAA' };
const credentials: ScramCredentials = { 'SCRAM-SHA-1': credential, 'SCRAM-SHA-256': credential };
const record: GrantCommand = { type: 'RecordGrant', ...key, grantId: 'GGGGGGGGGGGGGGGGGGGGGG', authenticatedBy: 'password', passwordChangedAt: '2025-01-01T00:00:00.000Z' };
const revoke: GrantCommand = { type: 'RevokeGrant', ...key, reason: 'revoked-by-user' };

function replicas<Key, Command, State, E extends GatehouseEvent>(definition: AggregateDefinition<Key, Command, State, E>) {
  const log = new MemoryEventLog();
  const store = () => createMemoryEventStore(definition, { log, source: 'test', clock: () => now, retryJitterMs: 0 });
  return { log, here: store(), elsewhere: store() };
}

describe('account aggregate', () => {
  it('appends the creation with the token source and the JID as its subject', async () => {
    const { log, here } = replicas(accountAggregate(ns));
    const { events, state } = await here.execute(jid, { type: 'CreateAccount', jid, credentials });
    assert.deepEqual(events.map(({ event, sequence }) => [event.type, event.subject, sequence]), [['gatehouse.account.created.v1', 'unit.account.YWxpY2VAbG9jYWxob3N0', 1]]);
    assert.equal(state.status, 'active');
    assert.equal(log.stored.length, 1);
  });

  it('re-reads the account before refusing, and decides again on what another replica stored', async () => {
    const { log, here, elsewhere } = replicas(accountAggregate(ns));
    await here.read(jid);
    // Another replica created the account; this one has it cached as absent.
    await elsewhere.execute(jid, { type: 'CreateAccount', jid, credentials });
    await assert.rejects(here.execute(jid, { type: 'CreateAccount', jid, credentials }), AccountExistsError);
    const { events } = await here.execute(jid, { type: 'DeleteAccount', jid });
    assert.deepEqual(events.map(({ event, sequence }) => [event.type, sequence]), [['gatehouse.account.deleted.v1', 2]]);
    assert.equal(log.stored.length, 2);
    // And the other way round: "not found" is confirmed on the stored account.
    await assert.rejects(elsewhere.execute(jid, { type: 'ChangePassword', jid, credentials }), AccountNotFoundError);
  });
});

describe('grant aggregate', () => {
  it('checks a refusal against the stream before answering it', async () => {
    const { log, here, elsewhere } = replicas(grantAggregate(ns));
    await here.read(key);
    await elsewhere.execute(key, record);
    const loads = log.loads;
    // This replica's cache knows no grant, which decide refuses; the stream knows better.
    assert.equal((await here.execute(key, revoke)).state.status, 'revoked');
    assert.equal(log.loads, loads + 1);
    await assert.rejects(replicas(grantAggregate(ns)).here.execute(key, revoke), GrantNotFoundError);
  });

  it('confirms "already revoked" against the stream: the grant may have been created again since', async () => {
    const { log, here, elsewhere } = replicas(grantAggregate(ns));
    await here.execute(key, record);
    await here.execute(key, revoke);
    await elsewhere.execute(key, { ...record, grantId: 'HHHHHHHHHHHHHHHHHHHHHH' });
    const outcome = await here.execute(key, revoke);
    assert.deepEqual(outcome.events.map(({ event }) => event.type), ['gatehouse.grant.revoked.v1']);
    const loads = log.loads;
    // A grant that is live in the cache is believed: recording it again stores nothing.
    await here.execute(key, { ...record, grantId: 'IIIIIIIIIIIIIIIIIIIIII' });
    await here.execute(key, { ...record, grantId: 'JJJJJJJJJJJJJJJJJJJJJJ' });
    assert.equal(log.loads, loads);
  });
});

describe('FAST token aggregate', () => {
  const facts = { passwordChangedAt: '2025-01-01T00:00:00.000Z', grantId: 'GGGGGGGGGGGGGGGGGGGGGG' };
  const use = { type: 'UseFastToken' as const, ...key, mechanism: 'HT-SHA-256-NONE', matches: () => true, facts };
  const issue = { type: 'IssueFastToken' as const, ...key, tokenId: 'TTTTTTTTTTTTTTTTTTTTTT', tokenHash: 'a'.repeat(64), mechanism: 'HT-SHA-256-NONE', lifetimeMs: 86_400_000, facts };

  it('confirms an unknown token on the stream: it may have been issued elsewhere a moment ago', async () => {
    const { here, elsewhere } = replicas(fastTokenAggregate(ns));
    await here.read(key);
    await elsewhere.execute(key, issue);
    assert.deepEqual((await here.execute(key, use)).events.map(({ event }) => event.type), ['gatehouse.fast-token.used.v1']);
    await assert.rejects(replicas(fastTokenAggregate(ns)).here.execute(key, use), FastNotAuthorizedError);
  });

  it('confirms "no token to invalidate" on the stream', async () => {
    const { here, elsewhere } = replicas(fastTokenAggregate(ns));
    await here.read(key);
    await elsewhere.execute(key, issue);
    const { events } = await here.execute(key, { type: 'InvalidateFastTokens', ...key, reason: 'grant-revoked' });
    assert.deepEqual(events.map(({ event }) => event.type), ['gatehouse.fast-token.invalidated.v1']);
  });
});
