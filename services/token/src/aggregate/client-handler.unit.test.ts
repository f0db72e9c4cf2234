import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WrongExpectedSequenceError } from '@gatehouse/bus';
import { decide, GrantNotFoundError, type GrantCommand } from '../grant/decide.ts';
import { evolve, initialState, type GrantFact, type GrantState } from '../grant/grant.ts';
import { createClientHandler } from './client-handler.ts';
import { ClientView } from './client-view.ts';
import { MemoryClientStream } from './memory-client-stream.ts';

const key = { jid: 'alice@localhost', clientId: 'phone' };
const now = new Date('2025-03-01T00:00:00.000Z');
const record: GrantCommand = {
  type: 'RecordGrant',
  ...key,
  grantId: 'GGGGGGGGGGGGGGGGGGGGGG',
  authenticatedBy: 'password',
  passwordChangedAt: '2025-01-01T00:00:00.000Z',
};
const revoke: GrantCommand = { type: 'RevokeGrant', ...key, reason: 'revoked-by-user' };

function setup(confirmNoop?: (command: GrantCommand) => boolean) {
  const view = new ClientView<GrantState, GrantFact>(evolve, initialState);
  const stream = new MemoryClientStream<GrantFact, GrantState>(evolve, initialState);
  const execute = createClientHandler({ view, stream, decide, clock: () => now, ...(confirmNoop ? { confirmNoop } : {}) });
  /** Another replica writes: the stream has it, this replica's view does not yet. */
  const elsewhere = async (command: GrantCommand) => {
    const loads = stream.loads;
    const { state, sequence } = await stream.load(command);
    stream.loads = loads;
    for (const fact of decide(command, state, now)) await stream.append(fact, sequence);
  };
  return { view, stream, execute, elsewhere };
}

describe('per-client command handler', () => {
  it('appends what decide decides, applies it at once and returns the new state', async () => {
    const { view, stream, execute } = setup();
    const outcome = await execute(record);
    assert.deepEqual(outcome.facts.map((fact) => fact.type), ['gatehouse.grant.created.v1']);
    assert.equal(outcome.state.status, 'active');
    assert.equal(view.get(key).sequence, 1);
    assert.equal(stream.loads, 0);
    assert.deepEqual(view.clientsOf(key.jid), ['phone']);
  });

  it('re-reads after a conflict and decides again', async () => {
    const { stream, execute, elsewhere } = setup();
    await elsewhere(record);
    const outcome = await execute(revoke);
    assert.deepEqual(outcome.facts.map((fact) => fact.type), ['gatehouse.grant.revoked.v1']);
    assert.equal(outcome.state.status, 'revoked');
    assert.equal(stream.loads, 1);
  });

  it('checks a refusal against the stream before answering it', async () => {
    const { stream, execute, elsewhere } = setup();
    await elsewhere(record);
    // The view knows no grant, which decide refuses; the stream knows better.
    await execute(revoke);
    assert.equal(stream.loads, 1);
    await assert.rejects(setup().execute(revoke), GrantNotFoundError);
  });

  it('believes refusals at once that the handler is told no newer state could change', async () => {
    const view = new ClientView<GrantState, GrantFact>(evolve, initialState);
    const stream = new MemoryClientStream<GrantFact, GrantState>(evolve, initialState);
    const execute = createClientHandler({ view, stream, decide, clock: () => now, confirmRefusal: () => false });
    await assert.rejects(execute(revoke), GrantNotFoundError);
    assert.equal(stream.loads, 0);
  });

  it('re-reads once only: a refusal that stands is thrown', async () => {
    const { stream, execute } = setup();
    await assert.rejects(execute(revoke), GrantNotFoundError);
    assert.equal(stream.loads, 1);
  });

  it('confirms a no-op against the stream only for the commands that ask for it', async () => {
    const confirmed = setup((command) => command.type === 'RevokeGrant');
    await confirmed.execute(record);
    await confirmed.execute(revoke);
    await confirmed.elsewhere(record);
    // The view says "already revoked"; the stream holds a new grant, which gets revoked.
    const outcome = await confirmed.execute(revoke);
    assert.equal(outcome.facts.length, 1);
    assert.equal(confirmed.stream.loads, 1);

    const trusting = setup();
    await trusting.execute(record);
    await trusting.execute(record);
    assert.equal(trusting.stream.loads, 0);
  });

  it('gives up after maxAttempts conflicts', async () => {
    const view = new ClientView<GrantState, GrantFact>(evolve, initialState);
    let appends = 0;
    const stream = {
      append: async (_fact: GrantFact, expected: number): Promise<number> => {
        appends += 1;
        throw new WrongExpectedSequenceError('s', expected);
      },
      load: async () => ({ state: initialState(), sequence: 0 }),
    };
    const execute = createClientHandler({ view, stream, decide, clock: () => now, maxAttempts: 3 });
    await assert.rejects(execute(record), WrongExpectedSequenceError);
    assert.equal(appends, 3);
  });
});
